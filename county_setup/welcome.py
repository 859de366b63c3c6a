"""First-login links for the people an import created: they have no password
(never one from a sheet) until they open their link and choose one. The link
is Django's password-reset token: it works once (choosing a password changes
what it was made from) and for PASSWORD_RESET_TIMEOUT (3 days by default);
the admin makes fresh ones on the import's page as long as the person has
not chosen a password."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from appeals.access import mask_phone

from .models import StaffPhone


def link_for(user, base: str | None = None) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("county_setup:setup_welcome", args=[uid, default_token_generator.make_token(user)])
    return (base or settings.HUBIYING_SITE_URL).rstrip("/") + path


def user_for(uidb64: str, token: str):
    """The person whose link this is, while it still works; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or user.has_usable_password() or not default_token_generator.check_token(user, token):
        return None
    return user


def waiting(user_ids: list[int], base: str | None = None) -> list[dict]:
    """Of these people, those still without a password, each with a fresh link (and a masked phone)."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("username")
    phones = dict(StaffPhone.objects.filter(user_id__in=user_ids).values_list("user_id", "phone"))
    return [{"username": u.username, "name": u.get_full_name(), "phone": mask_phone(phones.get(u.pk, "")),
             "link": link_for(u, base)} for u in users if not u.has_usable_password()]
