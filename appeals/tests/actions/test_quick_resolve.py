"""quick_resolve (即接即办): a small matter registered and resolved on the spot,
still with the full timeline."""

import pytest

from appeals import services
from appeals.errors import Forbidden, Invalid
from appeals.models import Appeal, Status

from ._support import events, member, refused

S = Status


@pytest.mark.parametrize("who", ["grid_worker", "handler"])
def test_a_small_matter_is_resolved_on_the_spot_with_the_full_timeline(cast, who):
    staff = member(cast, who)
    appeal = services.quick_resolve(cast.intake_data(contact_phone=""), actor=staff, channel="patrol",
                                    result="resolved", content="已现场协调物业重启电梯")
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED
    assert appeal.unit == cast.community_unit and appeal.created_by == staff
    assert appeal.reply_result == "resolved" and appeal.reply_content == "已现场协调物业重启电梯"
    assert appeal.step_due is not None  # the resident may still evaluate it
    timeline = events(appeal)
    assert [(e.action, e.to_status) for e in timeline] == [
        ("submit", S.SUBMITTED), ("register", S.REGISTERED), ("dispatch", S.DISPATCHED), ("sign", S.SIGNED),
        ("reply", S.REPLIED),
    ]
    assert all(e.actor == staff for e in timeline)
    submit, register, dispatch, sign, reply = timeline
    assert dispatch.data["on_the_spot"] and sign.data["on_the_spot"] and reply.data["on_the_spot"]
    assert dispatch.data["unit"] == cast.community_unit.pk
    assert reply.data["result"] == "resolved" and reply.note == "已现场协调物业重启电梯"
    assert sign.actor_unit == reply.actor_unit == cast.community_unit


def test_the_outsider_cannot_resolve_on_the_spot_in_huacheng(cast):
    error = refused(Forbidden, lambda: services.quick_resolve(cast.intake_data(), actor=member(cast, "outsider"),
                                                              channel="walk_in", result="resolved", content="已处理"))
    assert error.status == 403
    assert Appeal.objects.count() == 0


def test_a_grid_worker_cannot_resolve_on_the_spot_outside_their_grid(cast):
    data = cast.intake_data(community="HTB-Z-HC", address="花城社区幸福路8号")  # the community, not the grid
    refused(Forbidden, lambda: services.quick_resolve(data, actor=member(cast, "grid_worker"), channel="patrol",
                                                      result="resolved", content="已处理"))


@pytest.mark.parametrize("who", ["resident", "dispatcher", "supervisor"])
def test_only_grid_workers_and_community_handlers_resolve_on_the_spot(cast, who):
    refused(Forbidden, lambda: services.quick_resolve(cast.intake_data(), actor=member(cast, who), channel="patrol",
                                                      result="resolved", content="已处理"))


def test_a_place_without_a_community_office_cannot_be_resolved_on_the_spot(cast, settings):
    settings.HUBIYING_DEFAULT_NODE = "HTB"
    refused(Invalid, lambda: services.quick_resolve(cast.intake_data(address="不知道哪里"),
                                                    actor=member(cast, "admin"), channel="patrol",
                                                    result="resolved", content="已处理"), field="address")


@pytest.mark.parametrize(("changes", "field"), [
    ({"result": "fixed"}, "result"),
    ({"content": ""}, "content"),
    ({"channel": "web"}, "channel"),
])
def test_bad_input_is_refused_and_nothing_is_stored(cast, changes, field):
    kwargs = {"channel": "patrol", "result": "resolved", "content": "已处理", **changes}
    refused(Invalid, lambda: services.quick_resolve(cast.intake_data(), actor=member(cast, "grid_worker"),
                                                    **kwargs), field=field)


def test_bad_request_fields_are_refused_and_nothing_is_stored(cast):
    refused(Invalid, lambda: services.quick_resolve(cast.intake_data(description=""),
                                                    actor=member(cast, "grid_worker"), channel="patrol",
                                                    result="resolved", content="已处理"), field="description")
