"""Helpers shared by the domain tests: a settable clock, a snapshot of
everything an action could write (to prove a refusal changed nothing), and
one valid call of every action in services.TRANSITIONS."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from appeals import services
from appeals.models import Appeal, AppealEvent, CoUnit, IdempotencyKey, Status
from notifications.models import Notification
from organisations.models import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
S = Status
ALL_STATES = list(Status.values)

# The cast members, by attribute name on the `cast` fixture.
MEMBERS = ["resident", "grid_worker", "handler", "property_handler", "dispatcher", "supervisor", "leader",
           "outsider", "other_dispatcher", "admin"]

# Who performs each action in the happy path.
ACTOR_OF = {
    "register": "dispatcher", "reject": "dispatcher", "dispatch": "dispatcher", "sign": "handler",
    "return": "handler", "start": "handler", "request-extension": "handler", "approve-extension": "dispatcher",
    "reply": "handler", "evaluate": "resident", "reopen": "dispatcher", "close": "dispatcher",
    "merge": "dispatcher", "withdraw": "resident", "urge": "supervisor", "supervise": "supervisor",
    "note": "dispatcher", "co-sign": "property_handler", "co-reply": "property_handler", "callback": "dispatcher",
}
# The co-unit (协办) the co-unit actions are tested with: the compound's property company.
CO_STAGE = {S.DISPATCHED, S.SIGNED, S.IN_PROGRESS, S.REOPENED}


def at(text: str) -> datetime:
    """An aware moment on the county's clock: at("2026-06-05 16:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


class Clock:
    """Sets what django.utils.timezone.now() returns (services read it there)."""

    def __init__(self, monkeypatch):
        self.now = None
        monkeypatch.setattr("django.utils.timezone.now", self._now)

    def _now(self):
        return self.now if self.now is not None else datetime.now(tz=SHANGHAI)

    def set(self, moment: str | datetime) -> datetime:
        self.now = at(moment) if isinstance(moment, str) else moment
        return self.now

    def advance(self, **delta) -> datetime:
        self.now = self._now() + timedelta(**delta)
        return self.now


def fresh(user):
    """The user as a new request would load it (no cached scopes)."""
    return get_user_model().objects.get(pk=user.pk)


def member(cast, name: str):
    return fresh(getattr(cast, name))


def add_user(username: str, *roles):
    """A user with (role, node, unit) roles, e.g. a second handler of a unit."""
    user = get_user_model().objects.create_user(username, password="pw")
    for name, node, unit in roles:
        Role.objects.create(user=user, name=name, node=node, unit=unit)
    return user


def appeal_in(cast, status: str, **overrides) -> Appeal:
    """cast.appeal_in, plus the merged state."""
    if status == S.MERGED:
        target = cast.appeal_in(S.REGISTERED)
        appeal = cast.appeal_in(S.SUBMITTED, **overrides)
        services.merge(appeal, actor=member(cast, "dispatcher"), into=target.pk)
        appeal.refresh_from_db()
        return appeal
    return cast.appeal_in(status, **overrides)


def prepare(cast, action: str, appeal: Appeal) -> dict:
    """Valid keyword arguments for `action` on `appeal`; sets up what the action
    needs beforehand (a pending extension, a merge target), so call it before
    taking a snapshot."""
    if action == "approve-extension" and appeal.status in (S.SIGNED, S.IN_PROGRESS):
        if appeal.pending_extension_days is None:
            services.request_extension(appeal, actor=member(cast, "handler"), days=2, reason="等待电梯配件到货")
            appeal.refresh_from_db()
    if action in ("co-sign", "co-reply") and appeal.status in CO_STAGE:
        CoUnit.objects.get_or_create(appeal=appeal, unit=cast.property)
    if action == "close" and appeal.status == S.REPLIED and appeal.callback_at is None:
        # A dispatcher closes a replied request once the resident was asked.
        services.callback(appeal, actor=member(cast, "supervisor"), reached=False, comment="无人接听")
        appeal.refresh_from_db()
    kwargs = {
        "register": {},
        "reject": {"reason": "重复提交"},
        "dispatch": {"unit": cast.community_unit.pk},
        "sign": {},
        "return": {"reason": "不属于本单位职责"},
        "start": {"note": "已到现场查看"},
        "request-extension": {"days": 2, "reason": "等待电梯配件到货"},
        "approve-extension": {"approve": True},
        "reply": {"result": "resolved", "content": "已联系物业维修，电梯恢复运行。"},
        "evaluate": {"rating": "dissatisfied"},
        "reopen": {"reason": "居民反映电梯仍有异响"},
        "close": {},
        "merge": {},
        "withdraw": {"reason": "问题已自行解决"},
        "urge": {"content": "请尽快办理"},
        "supervise": {"content": "列入督办，三个工作日内办结"},
        "note": {"content": "已电话联系居民，约定明早上门"},
        "co-sign": {},
        "co-reply": {"content": "物业已安排电工配合维修"},
        "callback": {"reached": True, "rating": "dissatisfied", "comment": "电梯仍有异响"},
    }[action]
    if action == "merge":
        kwargs = {"into": cast.appeal_in(S.REGISTERED).pk}
    return kwargs


def perform(action: str, appeal: Appeal, actor, **kwargs) -> Appeal:
    return services.ACTIONS[action](appeal, actor=actor, **kwargs)


def snapshot(appeal: Appeal | None = None) -> dict:
    """Every row an action or an intake could have written."""
    state = {
        "events": list(AppealEvent.objects.order_by("pk").values_list("pk", flat=True)),
        "appeals": Appeal.objects.count(),
        "co_parts": list(CoUnit.objects.order_by("pk").values_list("pk", "signed_at", "replied_at", "content")),
        "keys": IdempotencyKey.objects.count(),
        "notifications": Notification.objects.count(),
    }
    if appeal is not None:
        row = Appeal.objects.get(pk=appeal.pk)
        state["row"] = {f.attname: getattr(row, f.attname) for f in Appeal._meta.concrete_fields}
        state["co_units"] = sorted(row.co_units.values_list("pk", flat=True))
    return state


def refused(error, call, appeal: Appeal | None = None, *, field: str | None = None, code: str | None = None):
    """Runs `call`, expects `error`, and checks that nothing was written."""
    before = snapshot(appeal)
    with pytest.raises(error) as info:
        call()
    assert snapshot(appeal) == before
    assert info.value.detail  # a sentence a person can act on
    if field is not None:
        assert info.value.field == field
    if code is not None:
        assert info.value.code == code
    return info.value


def events(appeal: Appeal, *actions: str):
    qs = AppealEvent.objects.filter(appeal=appeal)
    if actions:
        qs = qs.filter(action__in=actions)
    return list(qs.order_by("at", "pk"))


def last_event(appeal: Appeal) -> AppealEvent:
    return AppealEvent.objects.filter(appeal=appeal).order_by("-at", "-pk").first()


def states_outside(action: str) -> list[str]:
    return [s for s in ALL_STATES if s not in services.TRANSITIONS[action].sources]


def states_inside(action: str) -> list[str]:
    return [s for s in ALL_STATES if s in services.TRANSITIONS[action].sources]


PEOPLE_ACTIONS = list(services.ACTIONS)  # the actions people take (the table also holds the platform's own)


def members_without(action: str, *, also_allowed: tuple[str, ...] = ()) -> list[str]:
    """Cast members holding none of the action's roles where it matters
    (the outsider and the other town's dispatcher hold the role elsewhere)."""
    allowed = {ACTOR_OF[action], "admin", *also_allowed}
    return [m for m in MEMBERS if m not in allowed]


# --- The refusal matrix every action file runs --------------------------------

# States reached before any unit is assigned: a handler is simply not involved yet.
UNASSIGNED = [S.SUBMITTED, S.REGISTERED, S.REJECTED, S.WITHDRAWN, S.MERGED]
HANDLER_ACTIONS = {"sign", "return", "start", "request-extension", "reply"}

# A state in which each action is allowed, to test refusals by role.
TYPICAL_STATE = {
    "register": S.SUBMITTED, "reject": S.SUBMITTED, "dispatch": S.REGISTERED, "sign": S.DISPATCHED,
    "return": S.DISPATCHED, "start": S.SIGNED, "request-extension": S.SIGNED, "approve-extension": S.SIGNED,
    "reply": S.SIGNED, "evaluate": S.REPLIED, "reopen": S.EVALUATED, "close": S.REPLIED, "merge": S.SUBMITTED,
    "withdraw": S.SUBMITTED, "urge": S.DISPATCHED, "supervise": S.DISPATCHED, "note": S.DISPATCHED,
    "co-sign": S.DISPATCHED, "co-reply": S.DISPATCHED, "callback": S.REPLIED,
}


def wrong_states(action: str) -> list[str]:
    """States the action is not allowed in (for handler actions, only those
    where the request already belongs to the handler's unit)."""
    states = states_outside(action)
    if action in HANDLER_ACTIONS:
        states = [s for s in states if s not in UNASSIGNED]
    return states


def check_refused_in_state(cast, action: str, state: str) -> None:
    from appeals.errors import WrongState

    appeal = appeal_in(cast, state)
    kwargs = prepare(cast, action, appeal)
    actor = member(cast, ACTOR_OF[action])
    error = refused(WrongState, lambda: perform(action, appeal, actor, **kwargs), appeal)
    assert (error.status, error.code) == (409, "wrong_state")


def check_refused_to(cast, action: str, who: str) -> None:
    from appeals.errors import Forbidden

    appeal = appeal_in(cast, TYPICAL_STATE[action])
    kwargs = prepare(cast, action, appeal)
    error = refused(Forbidden, lambda: perform(action, appeal, member(cast, who), **kwargs), appeal)
    assert (error.status, error.code) == (403, "forbidden")
