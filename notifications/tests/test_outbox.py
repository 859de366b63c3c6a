"""The outbox: the worker turns each event into notifications for whoever must
act next (once, never the actor themselves) and into text messages to the
resident; no page or action delivers anything itself."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from appeals import residents, services
from appeals.models import AppealEvent, Status
from appeals.tests.actions._support import add_user, member
from conftest import deliver
from notifications import outbox, sms
from notifications.models import Notification, SmsMessage
from organisations.models import Role

S = Status
R = Role.Name


def told(action: str) -> set[str]:
    """Usernames notified of the latest event with this action."""
    event = AppealEvent.objects.filter(action=action).order_by("-pk").first()
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def test_a_submission_waits_in_the_outbox_and_no_page_delivers_it(cast, client):
    appeal = cast.appeal_in(S.SUBMITTED)
    client.force_login(cast.dispatcher)
    assert client.get("/work/").status_code == 200
    assert client.get("/work/notifications/").status_code == 200
    assert told("submit") == set()  # pages only read
    assert AppealEvent.objects.get(appeal=appeal).notified_at is None
    deliver()  # the worker
    assert told("submit") == {"dispatcher"}
    assert AppealEvent.objects.get(appeal=appeal).notified_at is not None
    page = client.get("/work/notifications/")
    assert page.content.decode().count("data-notification=") == 1


def test_an_action_delivers_nothing_itself(cast, django_capture_on_commit_callbacks):
    appeal = cast.appeal_in(S.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    assert callbacks == [] and told("dispatch") == set()
    deliver()
    assert told("dispatch") == {"handler"}


def test_without_a_dispatcher_in_the_town_the_countys_are_told(cast):
    Role.objects.filter(user=cast.dispatcher).delete()
    add_user("countydispatcher", (R.DISPATCHER, cast.county, None))
    cast.submit()
    deliver()
    assert told("submit") == {"countydispatcher"}


def test_a_dispatch_tells_the_units_handlers_and_the_co_units(cast):
    add_user("handler2", (R.HANDLER, None, cast.community_unit))
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                      co_units=[cast.property.pk])
    deliver()
    assert told("dispatch") == {"handler", "handler2", "propertyhandler"}


def test_a_reopen_tells_the_unit_and_the_co_units_again(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                      co_units=[cast.property.pk])
    services.sign_for(appeal, actor=member(cast, "handler"))
    services.co_sign(appeal, actor=cast.property_handler)
    services.co_reply(appeal, actor=cast.property_handler, content="已派维保人员")
    services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已维修")
    services.evaluate(appeal, actor=member(cast, "resident"), rating="dissatisfied")
    services.reopen(appeal, actor=member(cast, "dispatcher"), reason="居民反映仍未修好")
    deliver()
    assert told("reopen") == {"handler", "propertyhandler"}


def test_a_co_units_part_tells_the_lead_units_handlers(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                      co_units=[cast.property.pk])
    services.co_reply(appeal, actor=member(cast, "property_handler"), content="已安排物业电工配合")
    deliver()
    assert told("co-reply") == {"handler"}


@pytest.mark.parametrize("action", ["return", "request-extension"])
def test_a_return_or_an_extension_request_tells_the_towns_dispatcher(cast, action):
    appeal = cast.appeal_in(S.SIGNED)
    handler = member(cast, "handler")
    if action == "return":
        services.return_to_dispatcher(appeal, actor=handler, reason="不属本社区")
    else:
        services.request_extension(appeal, actor=handler, days=2, reason="等待配件")
    deliver()
    assert told(action) == {"dispatcher"}


def test_an_approved_extension_tells_the_handler(cast):
    appeal = cast.appeal_in(S.SIGNED)
    services.request_extension(appeal, actor=member(cast, "handler"), days=2, reason="等待配件")
    services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=True)
    deliver()
    assert told("approve-extension") == {"handler"}


def test_an_urge_tells_the_handler(cast):
    appeal = cast.appeal_in(S.SIGNED)
    services.urge(appeal, actor=member(cast, "supervisor"), content="请尽快办理")
    deliver()
    assert told("urge") == {"handler"}


@pytest.mark.parametrize("state", [S.REGISTERED, S.RETURNED])
def test_an_urge_while_waiting_for_dispatch_tells_the_dispatcher(cast, state):
    appeal = cast.appeal_in(state)  # a returned request still names the unit that gave it back
    services.urge(appeal, actor=member(cast, "supervisor"), content="请尽快派单")
    deliver()
    assert told("urge") == {"dispatcher"}


@pytest.mark.parametrize("action", ["reply", "reject"])
def test_a_reply_or_a_rejection_tells_the_residents_account(cast, action):
    appeal = cast.appeal_in(S.SIGNED if action == "reply" else S.REGISTERED)
    if action == "reply":
        services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已维修")
    else:
        services.reject(appeal, actor=member(cast, "dispatcher"), reason="重复提交")
    deliver()
    assert told(action) == {"resident"}


def test_a_dissatisfied_rating_tells_the_dispatcher(cast):
    appeal = cast.appeal_in(S.REPLIED)
    services.evaluate(appeal, actor=member(cast, "resident"), rating="dissatisfied")
    deliver()
    assert told("evaluate") == {"dispatcher"}


def test_an_escalation_tells_the_countys_dispatchers(cast):
    add_user("countydispatcher", (R.DISPATCHER, cast.county, None))
    appeal = cast.appeal_in(S.EVALUATED)
    services.reopen(appeal, actor=member(cast, "dispatcher"), reason="1")
    for n in (2, 3):
        services.sign_for(appeal, actor=member(cast, "handler"))
        services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已维修")
        services.evaluate(appeal, actor=member(cast, "resident"), rating="dissatisfied")
        services.reopen(appeal, actor=member(cast, "dispatcher"), reason=str(n))
    deliver()
    assert told("escalate") == {"countydispatcher"}
    assert told("reopen") == {"handler"}


def test_an_event_is_delivered_once_even_if_delivered_twice(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    deliver()
    event = AppealEvent.objects.get(action="dispatch")
    assert Notification.objects.filter(event=event).count() == 1
    assert outbox.deliver([event.pk]) == 0
    assert outbox.deliver([event.pk]) == 0
    assert outbox.deliver_pending() == 0
    assert Notification.objects.filter(event=event).count() == 1


def test_deliver_pending_picks_up_every_waiting_event(cast):
    cast.appeal_in(S.SUBMITTED)
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    # The waiting submission → the dispatcher; the registered one's submission and its
    # register → nobody (it is registered by now); dispatch → the handler.
    assert outbox.deliver_pending() == 2
    assert outbox.deliver_pending() == 0
    assert told("dispatch") == {"handler"}
    assert not AppealEvent.objects.filter(notified_at__isnull=True).exists()


def test_the_actor_is_never_told_of_their_own_action(cast):
    # The town dispatcher also works in the community office.
    Role.objects.create(user=cast.dispatcher, name=R.HANDLER, unit=cast.community_unit)
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    services.sign_for(appeal, actor=member(cast, "dispatcher"))
    services.return_to_dispatcher(appeal, actor=member(cast, "dispatcher"), reason="应由物业处理")
    deliver()
    assert told("dispatch") == {"handler"}
    assert told("return") == set()


def test_a_matter_resolved_on_the_spot_notifies_nobody_to_act(cast):
    add_user("handler2", (R.HANDLER, None, cast.community_unit))
    services.quick_resolve(cast.intake_data(), actor=member(cast, "handler"), channel="walk_in",
                           result="resolved", content="已现场处理")
    deliver()
    assert told("submit") == told("dispatch") == told("sign") == set()


def test_a_failed_delivery_leaves_the_event_for_the_next_pass(cast, monkeypatch):
    appeal = cast.appeal_in(S.REGISTERED)
    monkeypatch.setattr(outbox, "recipients", lambda event, people=None: 1 / 0)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    event = AppealEvent.objects.get(action="dispatch")
    with pytest.raises(ZeroDivisionError):
        outbox.deliver([event.pk])
    event.refresh_from_db()
    assert event.notified_at is None  # the claim was rolled back with the failure
    monkeypatch.undo()
    outbox.deliver([event.pk])
    assert told("dispatch") == {"handler"}


@pytest.mark.django_db(transaction=True)
def test_a_failed_delivery_never_undoes_the_committed_action(cast, monkeypatch):
    appeal = cast.appeal_in(S.REGISTERED)
    monkeypatch.setattr(outbox, "recipients", lambda event, people=None: 1 / 0)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED
    assert AppealEvent.objects.get(action="dispatch").notified_at is None
    assert transaction.get_autocommit()


def test_a_request_staff_registered_tells_the_dispatchers(cast):
    services.create_appeal(cast.intake_data(), actor=member(cast, "grid_worker"), channel="patrol")
    deliver()
    assert told("submit") == {"dispatcher"}


def test_a_submission_already_dispatched_when_delivered_tells_nobody(cast):
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    deliver()
    assert told("submit") == set() and told("dispatch") == {"handler"}


def test_a_backlog_of_submissions_is_delivered_in_a_few_statements(cast, django_assert_max_num_queries):
    for _ in range(12):
        cast.appeal_in(S.SUBMITTED)
    with django_assert_max_num_queries(20):  # not one round of queries per event (12 text messages queued)
        made = outbox.deliver_pending()
    assert made == 12
    assert Notification.objects.filter(user=cast.dispatcher, event__action="submit").count() == 12


def test_a_withdrawal_tells_the_unit_working_on_it_and_nobody_before_dispatch(cast):
    waiting, in_hand = cast.appeal_in(S.REGISTERED), cast.appeal_in(S.SIGNED)
    services.withdraw(waiting, actor=member(cast, "resident"), reason="已自行解决")
    deliver()
    assert told("withdraw") == set()
    services.withdraw(in_hand, actor=member(cast, "resident"), reason="已自行解决")
    deliver()
    assert told("withdraw") == {"handler"}


# --- Text messages to the resident ------------------------------------------------

def test_a_submission_sends_the_resident_its_private_link_by_sms(cast):
    appeal = cast.submit(contact_phone="13912345678")
    deliver()
    [message] = sms.outbox
    assert message["phone"] == "13912345678" and message["template"] == SmsMessage.Template.APPEAL_RECEIVED
    assert residents.private_path(appeal) in message["text"] and appeal.tracking_no in message["text"]
    assert message["text"].startswith("【呼必应】")  # Chinese, whatever language the worker runs in


def test_a_request_registered_by_staff_sends_the_link_too(cast):
    appeal, _ = services.create_appeal(cast.intake_data(contact_phone="13600001111"),
                                       actor=member(cast, "grid_worker"), channel="walk_in")
    deliver()
    assert [m["phone"] for m in sms.outbox] == ["13600001111"]
    assert residents.private_path(appeal) in sms.outbox[0]["text"]


def test_a_reply_sends_the_link_to_evaluate(cast):
    appeal = cast.appeal_in(S.SIGNED)
    deliver()
    sms.outbox.clear()
    services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已维修")
    deliver()
    [message] = sms.outbox
    assert message["template"] == SmsMessage.Template.APPEAL_REPLIED
    assert residents.private_path(appeal) in message["text"]


def test_no_phone_no_message(cast):
    services.create_appeal(cast.intake_data(contact_phone=""), actor=member(cast, "grid_worker"), channel="patrol")
    deliver()
    assert sms.outbox == []


def test_a_sent_message_keeps_no_secret(cast):
    cast.submit()
    deliver()
    row = SmsMessage.objects.get()
    assert row.sent_at is not None and row.params["link"] == "***"
    assert deliver() == (0, 0)  # sent once


def later() -> None:
    """The back-off has passed (the clock, moved by moving the message's time)."""
    SmsMessage.objects.update(due_at=timezone.now() - timedelta(seconds=1))


def test_a_failed_message_is_tried_again_after_a_back_off_and_sent_once(cast, monkeypatch):
    cast.submit()
    outbox.deliver_pending()
    monkeypatch.setattr(sms.LocmemBackend, "send", lambda *a, **k: 1 / 0)
    assert sms.send_pending() == 0
    row = SmsMessage.objects.get()
    assert row.sent_at is None and row.attempts == 1 and "division" in row.last_error
    assert timedelta(seconds=25) < row.due_at - timezone.now() <= timedelta(seconds=30)
    monkeypatch.undo()
    assert sms.send_pending() == 0  # not before its time, even with the provider back
    later()
    assert sms.send_pending() == 1
    assert sms.send_pending() == 0
    assert len(sms.outbox) == 1


def test_a_message_never_sent_waits_longer_each_time_and_keeps_no_secret(cast, monkeypatch):
    cast.submit()
    outbox.deliver_pending()
    monkeypatch.setattr(sms.LocmemBackend, "send", lambda *a, **k: 1 / 0)
    waits = []
    for _ in range(sms.MAX_ATTEMPTS):
        later()
        sms.send_pending()
        waits.append(round((SmsMessage.objects.get().due_at - timezone.now()).total_seconds() / 60, 1))
    assert waits[:4] == [0.5, 2.0, 10.0, 60.0]
    row = SmsMessage.objects.get()
    assert row.sent_at is None and row.attempts == sms.MAX_ATTEMPTS and row.params["link"] == "***"
    later()
    assert sms.send_pending() == 0  # given up


@pytest.mark.parametrize("shown", [False, True])
def test_the_console_shows_the_link_only_where_the_demo_asks(cast, settings, caplog, shown):
    settings.SMS_BACKEND = "notifications.sms.ConsoleBackend"
    settings.SMS_CONSOLE_SECRETS = shown
    appeal = cast.submit(contact_phone="13912345678")
    with caplog.at_level("WARNING", logger="hubiying.sms"):
        deliver()
    [record] = [r for r in caplog.records if r.name == "hubiying.sms"]
    text = record.getMessage()
    assert appeal.tracking_no in text and "139****5678" in text and "13912345678" not in text
    assert (residents.token_for(appeal) in text) is shown


def test_the_log_filter_masks_private_links_and_tokens():
    import logging

    from hubiying.logmask import MaskSecrets

    token = "abcdefghijklmnopqrstuvwx"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", (f"/track/HBY-20261201-ABC234/{token}/evaluate/",), None)
    MaskSecrets().filter(record)
    assert token not in record.getMessage() and "/track/HBY-20261201-ABC234/***/evaluate/" in record.getMessage()
    body = logging.LogRecord("x", logging.WARNING, __file__, 1, f'{{"token": "{token}"}}', None, None)
    MaskSecrets().filter(body)
    assert token not in body.getMessage()
