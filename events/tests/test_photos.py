"""Photos after the event: the organiser adds them once it has begun, they show
on the public page without their metadata, and nobody else can add or remove them."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (200, 90, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make: metadata that must not reach the public
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return SimpleUploadedFile("party.jpg", out.getvalue(), content_type="image/jpeg")


def test_the_organiser_adds_photos_after_the_start_and_residents_see_them(client, organiser, make_event):
    event = make_event(days=0, starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(organiser)
    response = client.post(f"/work/events/{event.pk}/", {"section": "photos", "photos": [jpeg_with_gps()]},
                           secure=True)
    assert response.status_code == 302
    photo = event.photos.get()
    client.logout()
    page = client.get(f"/events/{event.pk}/", secure=True).content.decode()
    assert f"/events/{event.pk}/photos/{photo.token}/" in page
    served = client.get(f"/events/{event.pk}/photos/{photo.token}/", secure=True)
    body = b"".join(served.streaming_content) if served.streaming else served.content
    assert served.status_code == 200 and b"PhoneMaker" not in body


def test_no_photos_before_the_event_begins(client, organiser, make_event):
    event = make_event(days=2)
    client.force_login(organiser)
    response = client.post(f"/work/events/{event.pk}/", {"section": "photos", "photos": [jpeg_with_gps()]},
                           secure=True)
    assert response.status_code == 409
    assert not event.photos.exists()


def test_another_communitys_organiser_cannot_add_or_remove(client, organiser, other_organiser, make_event):
    event = make_event(days=0, starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(organiser)
    client.post(f"/work/events/{event.pk}/", {"section": "photos", "photos": [jpeg_with_gps()]}, secure=True)
    token = event.photos.get().token
    client.force_login(other_organiser)
    assert client.post(f"/work/events/{event.pk}/", {"section": "photo-remove", "photo": token},
                       secure=True).status_code == 403
    assert event.photos.count() == 1
    client.force_login(organiser)
    client.post(f"/work/events/{event.pk}/", {"section": "photo-remove", "photo": token}, secure=True)
    assert not event.photos.exists()


def test_a_wrong_photo_token_is_not_found(client, make_event):
    event = make_event()
    assert client.get(f"/events/{event.pk}/photos/nope/", secure=True).status_code == 404
