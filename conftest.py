"""The fixed cast every test uses.

Tree: 呼图壁县 (HTB) › 呼图壁镇 (HTB-Z) › 花城社区 (HTB-Z-HC) › 网格一 (HTB-Z-HC-G1)
› 花城小区 (HTB-Z-HC-G1-C1); and 昌吉市 (CJ) › 延安北路街道 (CJ-YA) › 北京南路社区 (CJ-YA-BJ).
Units: 花城社区 office, 城管局 (county department), 美居物业 (property of 花城小区),
北京南路社区 office (the outsider's).
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from appeals import services
from appeals.models import Appeal, Category, Status
from organisations.models import Node, Role, Unit

R = Role.Name


class Cast:
    """Named people, places and units, plus a helper that walks a request to
    any state through the real service functions."""

    def __init__(self):
        User = get_user_model()
        self.county = Node.objects.create(code="HTB", name="呼图壁县", kind=Node.Kind.COUNTY)
        self.town = Node.objects.create(code="HTB-Z", name="呼图壁镇", kind=Node.Kind.TOWN, parent=self.county)
        self.community = Node.objects.create(
            code="HTB-Z-HC", name="花城社区", kind=Node.Kind.COMMUNITY, parent=self.town, lat=44.19, lng=86.90
        )
        self.grid = Node.objects.create(code="HTB-Z-HC-G1", name="花城社区第一网格", kind=Node.Kind.GRID,
                                        parent=self.community)
        self.compound = Node.objects.create(
            code="HTB-Z-HC-G1-C1", name="花城小区", kind=Node.Kind.COMPOUND, parent=self.grid, lat=44.191, lng=86.901
        )
        self.city = Node.objects.create(code="CJ", name="昌吉市", kind=Node.Kind.COUNTY)
        self.other_town = Node.objects.create(code="CJ-YA", name="延安北路街道", kind=Node.Kind.TOWN, parent=self.city)
        self.other_community = Node.objects.create(
            code="CJ-YA-BJ", name="北京南路社区", kind=Node.Kind.COMMUNITY, parent=self.other_town, lat=44.01, lng=87.30
        )

        self.community_unit = self._unit("U-HC", "花城社区居委会", Unit.Kind.COMMUNITY, self.community)
        self.department = self._unit("U-CG", "呼图壁县城管局", Unit.Kind.DEPARTMENT, self.county)
        self.property = self._unit("U-MJ", "美居物业", Unit.Kind.PROPERTY, self.compound)
        self.other_unit = self._unit("U-BJ", "北京南路社区居委会", Unit.Kind.COMMUNITY, self.other_community)

        self.resident = self._user("resident", (R.RESIDENT, None, None))
        self.grid_worker = self._user("gridworker", (R.GRID_WORKER, self.grid, None))
        self.handler = self._user("handler", (R.HANDLER, None, self.community_unit))
        self.property_handler = self._user("propertyhandler", (R.HANDLER, None, self.property))
        self.dispatcher = self._user("dispatcher", (R.DISPATCHER, self.town, None))
        self.supervisor = self._user("supervisor", (R.SUPERVISOR, self.county, None))
        self.leader = self._user("leader", (R.LEADER, self.county, None))
        self.outsider = self._user("outsider", (R.HANDLER, None, self.other_unit))
        self.other_dispatcher = self._user("otherdispatcher", (R.DISPATCHER, self.other_town, None))
        self.admin = User.objects.create_superuser("admin", password="pw")

        parent = Category.objects.create(code="WY", name="物业管理", name_en="Property management")
        self.category = Category.objects.create(code="WY-DT", name="电梯故障", name_en="Lift fault", parent=parent)
        road = Category.objects.create(code="SZ", name="市政设施", name_en="Public works")
        self.category_lights = Category.objects.create(code="SZ-LD", name="路灯不亮", name_en="Street light out",
                                                       parent=road)

    def _unit(self, code, name, kind, node):
        unit = Unit.objects.create(code=code, name=name, kind=kind)
        unit.jurisdiction.add(node)
        return unit

    def _user(self, username, *roles):
        user = get_user_model().objects.create_user(username, password="pw")
        for name, node, unit in roles:
            Role.objects.create(user=user, name=name, node=node, unit=unit)
        return user

    def fresh(self, user):
        """The same user without cached scopes (as a new request would load it)."""
        return get_user_model().objects.get(pk=user.pk)

    def intake_data(self, **overrides) -> dict:
        data = {
            "category": "WY-DT", "type": "help", "title": "电梯停运三天",
            "description": "花城小区3号楼电梯已经停运三天，老人上下楼很困难，请尽快维修。",
            "address": "花城小区3号楼", "contact_name": "王秀兰", "contact_phone": "13899912345",
            "urgency": "normal",
        }
        data.update(overrides)
        return data

    def submit(self, **overrides) -> Appeal:
        appeal, _ = services.create_appeal(self.intake_data(**overrides), actor=self.fresh(self.resident))
        return appeal

    def appeal_in(self, status: str, **overrides) -> Appeal:
        """A request walked through the real actions to `status`."""
        a = self.submit(**overrides)
        d, h = self.fresh(self.dispatcher), self.fresh(self.handler)
        steps = {
            Status.SUBMITTED: [],
            Status.REGISTERED: ["register"],
            Status.REJECTED: ["register", "reject"],
            Status.DISPATCHED: ["register", "dispatch"],
            Status.SIGNED: ["register", "dispatch", "sign"],
            Status.RETURNED: ["register", "dispatch", "return"],
            Status.IN_PROGRESS: ["register", "dispatch", "sign", "start"],
            Status.REPLIED: ["register", "dispatch", "sign", "reply"],
            Status.EVALUATED: ["register", "dispatch", "sign", "reply", "dissatisfied"],
            Status.REOPENED: ["register", "dispatch", "sign", "reply", "dissatisfied", "reopen"],
            Status.CLOSED: ["register", "dispatch", "sign", "reply", "satisfied"],
            Status.WITHDRAWN: ["withdraw"],
        }[status]
        for step in steps:
            if step == "register":
                services.register(a, actor=d)
            elif step == "reject":
                services.reject(a, actor=d, reason="重复提交")
            elif step == "dispatch":
                services.dispatch(a, actor=d, unit=self.community_unit.pk)
            elif step == "sign":
                services.sign_for(a, actor=h)
            elif step == "return":
                services.return_to_dispatcher(a, actor=h, reason="不属于本社区辖区")
            elif step == "start":
                services.start(a, actor=h)
            elif step == "reply":
                services.reply(a, actor=h, result="resolved", content="已联系物业维修，电梯恢复运行。")
            elif step in ("satisfied", "dissatisfied"):
                services.evaluate(a, actor=self.fresh(self.resident), rating=step)
            elif step == "reopen":
                services.reopen(a, actor=d, reason="居民反映电梯仍有异响")
            elif step == "withdraw":
                services.withdraw(a, actor=self.fresh(self.resident))
        a.refresh_from_db()
        assert a.status == status, (a.status, status)
        return a


def pytest_configure(config):
    from django.conf import settings

    # The suite talks plain HTTP to Django's test client and live server (the
    # production HTTPS settings themselves are checked in a subprocess:
    # tests/test_settings.py); each test process keeps its own cache and text
    # messages in memory.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SMS_BACKEND = "notifications.sms.LocmemBackend"


@pytest.fixture
def cast(db) -> Cast:
    return Cast()


# The official calendar as these tests know it: the installed chinesecalendar
# package for 2026 and before, and nothing from 2027 on, whichever version is
# installed (a newer one will know 2027; the tests of "a year not entered yet" must
# not start failing then).
PACKAGE_KNOWS_UNTIL = 2026


@pytest.fixture(autouse=True)
def _calendar_package_until_2026(monkeypatch):
    from workcalendar import calendar

    real = calendar._official_day

    def official_day(d):
        if d.year > PACKAGE_KNOWS_UNTIL:
            return d.weekday() < 5, False
        return real(d)

    monkeypatch.setattr(calendar, "_official_day", official_day)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    from notifications import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


def deliver():
    """What the background worker does: every waiting notification and text message."""
    from notifications.outbox import drain

    return drain()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The production hasher costs ~0.2 s per account and the cast creates ten.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sms_at_any_hour(settings):
    # The quiet hours would hold most messages whenever the suite runs at night in Beijing;
    # notifications/tests/test_sms_channels.py sets them where it tests them.
    settings.SMS_QUIET_HOURS = "off"


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    # Reference tables are cached per process; each test starts from its own rows.
    from hubiying.refdata import clear_all

    clear_all()
    yield
    clear_all()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Tracking numbers and ids repeat between tests (rows are rolled back), so
    # nothing kept in the cache may leak from one test to the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A page request leaves its language active in the thread: each test starts in
    # the default (Chinese), whatever ran before it.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
