"""The production settings, as a county deploys them: DEBUG is off unless set,
and `manage.py check --deploy` passes with the settings the README lists."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The production settings of the README's "Configuration" section.
PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "hby.hutubi.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://hby.hutubi.gov.cn",
    "HUBIYING_SITE_URL": "https://hby.hutubi.gov.cn",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HUBIYING_", "SECRET_KEY", "DJANGO_"))}
    clean.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_passes_with_the_documented_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_unless_set_and_a_missing_secret_stops_the_start(tmp_path):
    result = manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)",
                    HUBIYING_SECRET_KEY_FILE=str(tmp_path / "none"), SECRET_KEY="x" * 60)
    assert result.stdout.strip() == "False", result.stderr
    result = manage("check", HUBIYING_SECRET_KEY_FILE=str(tmp_path / "none"))
    assert result.returncode != 0 and "secret key" in result.stderr.lower()
    result = manage("shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)",
                    HUBIYING_SECRET_KEY_FILE=str(tmp_path / "none"), HUBIYING_DEBUG="1")
    assert result.stdout.strip() == "True", result.stderr


@pytest.mark.parametrize(("https", "secure"), [("1", "True"), ("0", "False")])
def test_https_makes_the_cookies_secure_and_redirects(https, secure):
    code = "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    result = manage("shell", "--no-imports", "-c", code, HUBIYING_HTTPS=https, **PRODUCTION)
    assert result.stdout.split() == [secure, secure], result.stderr
