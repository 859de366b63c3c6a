"""The files a county deploys with. Production installs exactly what was tested: requirements.lock pins every
runtime dependency (and theirs) to one version with its hashes, inside the
ranges of requirements.txt, and the Dockerfile installs from it."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\[\]-]+)==([^\s;\\]+)")


def pins() -> dict[str, tuple[str, int]]:
    """name → (version, how many hashes)."""
    found, current = {}, None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1].split("[")[0])
            found[current] = (match[2], 0)
        elif current and "--hash=sha256:" in line:
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
    return found


def wanted() -> list[Requirement]:
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    return [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]


def test_every_runtime_requirement_is_pinned_with_hashes_within_its_range():
    locked = pins()
    for requirement in wanted():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock: run make lock"
        version, hashes = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
    assert all(hashes > 0 for _, hashes in locked.values()), "every pin carries its hashes"
    assert "django" in locked and "psycopg-binary" in locked  # a dependency's dependency is pinned too


def test_the_image_installs_the_lock_file_with_its_hashes():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile


def test_compose_runs_the_app_celery_and_a_single_migration_against_postgresql_and_redis():
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert set(services) == {"migrate", "app", "worker", "scheduler", "postgres", "redis"}
    assert services["worker"]["command"][:4] == ["celery", "-A", "hubiying", "worker"]
    assert services["scheduler"]["command"][:4] == ["celery", "-A", "hubiying", "beat"]
    for name in ("app", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["CELERY_BROKER_URL"] == "redis://redis:6379/1"
        assert ":?" in env["SECRET_KEY"] and ":?" in env["CARE_PLAN_KEY"]  # no default secret, ever
    assert "/healthz" in (ROOT / "Dockerfile").read_text()
