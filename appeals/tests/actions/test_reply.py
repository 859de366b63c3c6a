"""reply: the handler answers the resident; the evaluation window opens."""

import pytest

from appeals import services
from appeals.errors import Forbidden, Invalid
from appeals.models import Appeal, Status

from ._support import (
    at,
    check_refused_in_state,
    check_refused_to,
    last_event,
    member,
    members_without,
    refused,
    states_inside,
    wrong_states,
)

S = Status


@pytest.mark.parametrize("state", states_inside("reply"))
@pytest.mark.parametrize("result", Appeal.Result.values)
def test_handler_replies_with_a_result(cast, state, result):
    appeal = cast.appeal_in(state)
    services.reply(appeal, actor=member(cast, "handler"), result=result, content="  已联系物业，电梯已恢复运行。  ")
    appeal.refresh_from_db()
    assert appeal.status == S.REPLIED
    assert appeal.reply_result == result
    assert appeal.reply_content == "已联系物业，电梯已恢复运行。"
    assert appeal.replied_at is not None
    event = last_event(appeal)
    assert (event.action, event.from_status, event.to_status) == ("reply", state, S.REPLIED)
    assert event.actor == cast.handler and event.actor_unit == cast.community_unit and event.public
    assert event.note == "已联系物业，电梯已恢复运行。"
    assert event.data == {"result": result, "on_time": True}


def test_the_reply_opens_a_seven_day_evaluation_window(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    clock.set("2026-06-09 15:00")
    services.reply(appeal, actor=member(cast, "handler"), result="explained", content="已解释政策")
    appeal.refresh_from_db()
    assert appeal.step_due == at("2026-06-16 15:00")


def test_a_reply_after_the_deadline_is_recorded_as_late(cast, clock):
    clock.set("2026-06-08 10:00")
    appeal = cast.appeal_in(S.SIGNED)  # due 2026-06-15 18:00
    clock.set("2026-06-16 09:00")
    services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已维修")
    assert last_event(appeal).data["on_time"] is False


def test_replying_drops_a_pending_extension_request(cast):
    appeal = cast.appeal_in(S.SIGNED)
    handler = member(cast, "handler")
    services.request_extension(appeal, actor=handler, days=1, reason="等待配件")
    services.reply(appeal, actor=handler, result="resolved", content="已维修")
    appeal.refresh_from_db()
    assert appeal.pending_extension_days is None


@pytest.mark.parametrize("result", ["fixed", "", None, "RESOLVED"])
def test_an_unknown_result_is_refused(cast, result):
    appeal = cast.appeal_in(S.SIGNED)
    refused(Invalid, lambda: services.reply(appeal, actor=member(cast, "handler"), result=result, content="已维修"),
            appeal, field="result")


@pytest.mark.parametrize("content", ["", "   ", None, "字" * 2001])
def test_an_empty_or_overlong_reply_is_refused(cast, content):
    appeal = cast.appeal_in(S.SIGNED)
    refused(Invalid, lambda: services.reply(appeal, actor=member(cast, "handler"), result="resolved",
                                            content=content), appeal, field="content")


def test_a_co_unit_handler_cannot_give_the_reply(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                      co_units=[cast.property.pk])
    services.sign_for(appeal, actor=member(cast, "handler"))
    refused(Forbidden, lambda: services.reply(appeal, actor=member(cast, "property_handler"), result="resolved",
                                              content="已维修"), appeal)


@pytest.mark.parametrize("state", wrong_states("reply"))
def test_reply_is_refused_in_any_other_state(cast, state):
    check_refused_in_state(cast, "reply", state)


@pytest.mark.parametrize("who", members_without("reply"))
def test_reply_is_refused_to_anyone_but_a_handler_of_the_lead_unit(cast, who):
    check_refused_to(cast, "reply", who)
