"""The outbox: after an action commits, whoever must act next is notified,
once, and never the actor themselves."""

import pytest
from django.db import transaction

from appeals import services
from appeals.models import AppealEvent, Status
from appeals.tests.actions._support import add_user, member
from notifications import outbox
from notifications.models import Notification
from organisations.models import Role

S = Status
R = Role.Name


def told(action: str) -> set[str]:
    """Usernames notified of the latest event with this action."""
    event = AppealEvent.objects.filter(action=action).order_by("-pk").first()
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))


def test_a_residents_submission_waits_in_the_outbox_until_a_staff_page_delivers_it(
    cast, client, django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = cast.appeal_in(S.SUBMITTED)
    assert told("submit") == set()  # intake commits once and tells nobody in-request
    assert AppealEvent.objects.get(appeal=appeal).notified_at is None
    client.force_login(cast.dispatcher)
    page = client.get("/work/notifications/")
    assert told("submit") == {"dispatcher"}
    assert AppealEvent.objects.get(appeal=appeal).notified_at is not None
    assert page.content.decode().count("data-notification=") == 1


def test_a_failed_delivery_on_the_way_through_a_page_never_breaks_the_page(cast, client, monkeypatch):
    from django.db import DatabaseError

    appeal = cast.appeal_in(S.SUBMITTED)

    def broken(event, people=None):
        raise DatabaseError("the notifications table is locked")

    monkeypatch.setattr(outbox, "recipients", broken)
    client.force_login(cast.dispatcher)
    assert client.get("/work/notifications/").status_code == 200
    assert AppealEvent.objects.get(appeal=appeal).notified_at is None  # left for run_timers


def test_without_a_dispatcher_in_the_town_the_countys_are_told(cast):
    Role.objects.filter(user=cast.dispatcher).delete()
    add_user("countydispatcher", (R.DISPATCHER, cast.county, None))
    cast.submit()
    outbox.deliver_pending()
    assert told("submit") == {"countydispatcher"}


def test_a_dispatch_tells_the_units_handlers_and_the_co_units(cast, django_capture_on_commit_callbacks):
    add_user("handler2", (R.HANDLER, None, cast.community_unit))
    appeal = cast.appeal_in(S.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk,
                          co_units=[cast.property.pk])
    assert told("dispatch") == {"handler", "handler2", "propertyhandler"}


@pytest.mark.parametrize("action", ["return", "request-extension"])
def test_a_return_or_an_extension_request_tells_the_towns_dispatcher(cast, django_capture_on_commit_callbacks,
                                                                      action):
    appeal = cast.appeal_in(S.SIGNED)
    handler = member(cast, "handler")
    with django_capture_on_commit_callbacks(execute=True):
        if action == "return":
            services.return_to_dispatcher(appeal, actor=handler, reason="不属本社区")
        else:
            services.request_extension(appeal, actor=handler, days=2, reason="等待配件")
    assert told(action) == {"dispatcher"}


def test_an_approved_extension_tells_the_handler(cast, django_capture_on_commit_callbacks):
    appeal = cast.appeal_in(S.SIGNED)
    services.request_extension(appeal, actor=member(cast, "handler"), days=2, reason="等待配件")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_extension(appeal, actor=member(cast, "dispatcher"), approve=True)
    assert told("approve-extension") == {"handler"}


def test_an_urge_tells_the_handler(cast, django_capture_on_commit_callbacks):
    appeal = cast.appeal_in(S.SIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        services.urge(appeal, actor=member(cast, "supervisor"), content="请尽快办理")
    assert told("urge") == {"handler"}


@pytest.mark.parametrize("state", [S.REGISTERED, S.RETURNED])
def test_an_urge_while_waiting_for_dispatch_tells_the_dispatcher(cast, django_capture_on_commit_callbacks, state):
    appeal = cast.appeal_in(state)  # a returned request still names the unit that gave it back
    with django_capture_on_commit_callbacks(execute=True):
        services.urge(appeal, actor=member(cast, "supervisor"), content="请尽快派单")
    assert told("urge") == {"dispatcher"}


@pytest.mark.parametrize("action", ["reply", "reject"])
def test_a_reply_or_a_rejection_tells_the_residents_account(cast, django_capture_on_commit_callbacks, action):
    appeal = cast.appeal_in(S.SIGNED if action == "reply" else S.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        if action == "reply":
            services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已维修")
        else:
            services.reject(appeal, actor=member(cast, "dispatcher"), reason="重复提交")
    assert told(action) == {"resident"}


def test_a_dissatisfied_rating_tells_the_dispatcher(cast, django_capture_on_commit_callbacks):
    appeal = cast.appeal_in(S.REPLIED)
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluate(appeal, actor=member(cast, "resident"), rating="dissatisfied")
    assert told("evaluate") == {"dispatcher"}


def test_an_escalation_tells_the_countys_dispatchers(cast, django_capture_on_commit_callbacks):
    add_user("countydispatcher", (R.DISPATCHER, cast.county, None))
    appeal = cast.appeal_in(S.EVALUATED)
    services.reopen(appeal, actor=member(cast, "dispatcher"), reason="1")
    for n in (2, 3):
        services.sign_for(appeal, actor=member(cast, "handler"))
        services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已维修")
        services.evaluate(appeal, actor=member(cast, "resident"), rating="dissatisfied")
        with django_capture_on_commit_callbacks(execute=True):
            services.reopen(appeal, actor=member(cast, "dispatcher"), reason=str(n))
    assert told("escalate") == {"countydispatcher"}
    assert told("reopen") == {"handler"}


def test_an_event_is_delivered_once_even_if_delivered_twice(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = cast.appeal_in(S.REGISTERED)
        services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    event = AppealEvent.objects.get(action="dispatch")
    assert Notification.objects.filter(event=event).count() == 1
    assert outbox.deliver([event.pk]) == 0
    assert outbox.deliver([event.pk]) == 0
    assert outbox.deliver_pending() == 0
    assert Notification.objects.filter(event=event).count() == 1


def test_deliver_pending_picks_up_events_no_callback_delivered(cast):
    cast.appeal_in(S.SUBMITTED)  # callbacks never ran: the test transaction never commits
    appeal = cast.appeal_in(S.REGISTERED)
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    # The waiting submission → the dispatcher; register → nobody; dispatch → the handler.
    assert outbox.deliver_pending() == 2
    assert outbox.deliver_pending() == 0
    assert told("dispatch") == {"handler"}
    assert not AppealEvent.objects.filter(notified_at__isnull=True).exists()


def test_the_actor_is_never_told_of_their_own_action(cast, django_capture_on_commit_callbacks):
    # The town dispatcher also works in the community office.
    Role.objects.create(user=cast.dispatcher, name=R.HANDLER, unit=cast.community_unit)
    appeal = cast.appeal_in(S.REGISTERED)
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
        services.sign_for(appeal, actor=member(cast, "dispatcher"))
        services.return_to_dispatcher(appeal, actor=member(cast, "dispatcher"), reason="应由物业处理")
    assert told("dispatch") == {"handler"}
    assert told("return") == set()


def test_a_matter_resolved_on_the_spot_notifies_nobody_to_act(cast, django_capture_on_commit_callbacks):
    add_user("handler2", (R.HANDLER, None, cast.community_unit))
    with django_capture_on_commit_callbacks(execute=True):
        services.quick_resolve(cast.intake_data(), actor=member(cast, "handler"), channel="walk_in",
                               result="resolved", content="已现场处理")
    assert told("submit") == told("dispatch") == told("sign") == set()


def test_a_failed_delivery_leaves_the_event_for_the_worker(cast, monkeypatch):
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
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)  # no exception
    appeal.refresh_from_db()
    assert appeal.status == S.DISPATCHED
    assert AppealEvent.objects.get(action="dispatch").notified_at is None
    assert transaction.get_autocommit()


def test_a_request_staff_registered_tells_the_dispatchers_at_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_appeal(cast.intake_data(), actor=member(cast, "grid_worker"), channel="patrol")
    assert told("submit") == {"dispatcher"}


def test_a_submission_already_dispatched_when_delivered_tells_nobody(cast):
    appeal = cast.appeal_in(S.REGISTERED)  # callbacks never ran
    services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk)
    outbox.deliver_pending()
    assert told("submit") == set() and told("dispatch") == {"handler"}


def test_a_backlog_of_submissions_is_delivered_in_a_few_statements(cast, django_assert_max_num_queries):
    for _ in range(12):
        cast.appeal_in(S.SUBMITTED)  # callbacks never ran: all twelve wait in the outbox
    with django_assert_max_num_queries(8):  # not one round of queries per event
        made = outbox.deliver_pending()
    assert made == 12
    assert Notification.objects.filter(user=cast.dispatcher, event__action="submit").count() == 12


def test_a_withdrawal_tells_the_unit_working_on_it_and_nobody_before_dispatch(cast, django_capture_on_commit_callbacks):
    waiting, in_hand = cast.appeal_in(S.REGISTERED), cast.appeal_in(S.SIGNED)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(waiting, actor=member(cast, "resident"), reason="已自行解决")
    assert told("withdraw") == set()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(in_hand, actor=member(cast, "resident"), reason="已自行解决")
    assert told("withdraw") == {"handler"}
