"""Idempotency-Key: an API client may safely resend the same intake."""

import pytest

from appeals import services
from appeals.errors import Conflict, Invalid
from appeals.models import Appeal, IdempotencyKey
from organisations.models import Role

from ._support import add_user, member, refused


def test_the_same_key_and_body_return_the_first_request(cast):
    resident = member(cast, "resident")
    first, created = services.create_appeal(cast.intake_data(), actor=resident, channel="api",
                                            idempotency_key="c0ffee-1")
    again, created_again = services.create_appeal(cast.intake_data(), actor=resident, channel="api",
                                                  idempotency_key="c0ffee-1")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.tracking_no == first.tracking_no
    assert Appeal.objects.count() == 1 and IdempotencyKey.objects.count() == 1
    assert first.events.count() == 1


def test_the_same_key_with_a_different_body_is_a_conflict(cast):
    resident = member(cast, "resident")
    services.create_appeal(cast.intake_data(), actor=resident, channel="api", idempotency_key="c0ffee-2")
    error = refused(Conflict, lambda: services.create_appeal(cast.intake_data(description="另一件事"),
                                                             actor=resident, channel="api",
                                                             idempotency_key="c0ffee-2"))
    assert (error.status, error.code) == (409, "idempotency_key_reused")
    assert Appeal.objects.count() == 1


def test_another_account_reusing_a_key_gets_a_conflict_not_the_first_request(cast):
    services.create_appeal(cast.intake_data(), actor=member(cast, "resident"), channel="api",
                           idempotency_key="c0ffee-3")
    neighbour = add_user("neighbour", (Role.Name.RESIDENT, None, None))
    refused(Conflict, lambda: services.create_appeal(cast.intake_data(), actor=neighbour, channel="api",
                                                     idempotency_key="c0ffee-3"), code="idempotency_key_reused")


def test_without_a_key_every_submission_is_a_new_request(cast):
    resident = member(cast, "resident")
    services.create_appeal(cast.intake_data(), actor=resident)
    services.create_appeal(cast.intake_data(), actor=resident)
    assert Appeal.objects.count() == 2


@pytest.mark.parametrize("key", ["k" * 101, 12345])
def test_an_overlong_or_non_text_key_is_refused(cast, key):
    refused(Invalid, lambda: services.create_appeal(cast.intake_data(), actor=member(cast, "resident"),
                                                    idempotency_key=key), field="Idempotency-Key")


def test_a_refused_body_does_not_use_up_the_key(cast):
    resident = member(cast, "resident")
    with pytest.raises(Invalid):
        services.create_appeal(cast.intake_data(description=""), actor=resident, idempotency_key="c0ffee-4")
    appeal, created = services.create_appeal(cast.intake_data(), actor=resident, idempotency_key="c0ffee-4")
    assert created and IdempotencyKey.objects.get().appeal == appeal
