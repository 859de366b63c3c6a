"""When the admin enters a year's official schedule, every deadline that had
to be estimated for it is worked out again, loses the mark, and takes the
reply's on-time flag with it; each change is an internal timeline event."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from appeals import services
from appeals.models import Appeal, AppealEvent, Status
from appeals.tests.actions._support import Clock, at, member
from workcalendar.admin import CalendarYearForm, parse_schedule
from workcalendar.models import CalendarDay, CalendarYear

S = Status
SCHEDULE_2027 = """
2027-01-01~2027-01-03 休 元旦
2027-02-06~2027-02-13 休 春节
2027-02-14 班 春节调休
"""


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def enter(year: int, schedule: str) -> None:
    """The admin saves the year with its schedule, as the admin page does."""
    form = CalendarYearForm({"year": year, "note": "国办发明电", "schedule": schedule})
    assert form.is_valid(), form.errors
    request = RequestFactory().post("/")
    site._registry[CalendarYear].save_model(request, form.save(commit=False), form, change=False)


def test_the_schedule_is_typed_as_the_state_council_publishes_it():
    days = parse_schedule(SCHEDULE_2027, 2027)
    assert len(days) == 3 + 8 + 1
    assert days[0][:2] == (at("2027-01-01 00:00").date(), False) and days[-1][1] is True


@pytest.mark.parametrize("text", ["2027-13-01 休", "2027-02-06 假期", "2026-12-31 休", "2027-02-10~2027-02-01 休"])
def test_a_wrong_line_is_refused_with_its_number(db, text):
    form = CalendarYearForm({"year": 2027, "schedule": "2027-01-01 休 元旦\n" + text})
    assert not form.is_valid()
    assert "2" in " ".join(form.errors["schedule"])


def test_entering_the_year_recomputes_the_estimated_reply_deadline_and_its_on_time_flag(cast, clock):
    clock.set("2027-02-04 10:00")  # a Thursday, before the Spring Festival the estimate does not know
    appeal = cast.appeal_in(S.SIGNED)
    assert appeal.deadline_estimated and appeal.handle_due == at("2027-02-11 18:00")  # Mon–Fri, 5 days
    clock.set("2027-02-15 10:00")
    services.reply(appeal, actor=member(cast, "handler"), result="resolved", content="已修复")
    appeal.refresh_from_db()
    assert appeal.reply_on_time is False  # late, as far as the estimate goes
    enter(2027, SCHEDULE_2027)
    appeal.refresh_from_db()
    # 5 working days from Thursday 4 Feb: 5th, then 14th (worked Sunday), 15th, 16th, 17th.
    assert appeal.handle_due == at("2027-02-17 18:00")
    assert appeal.reply_on_time is True and appeal.deadline_estimated is False
    event = AppealEvent.objects.filter(appeal=appeal, action="recalculate").get()
    assert not event.public and event.actor is None and event.data["years"] == [2027]
    assert event.data["before"]["reply_on_time"] is False and event.data["after"]["reply_on_time"] is True


def test_the_running_step_is_recomputed_too(cast, clock):
    clock.set("2027-02-05 17:00")
    appeal = cast.appeal_in(S.DISPATCHED)  # sign for within a working day
    assert appeal.deadline_estimated and appeal.step_due == at("2027-02-08 18:00")
    enter(2027, SCHEDULE_2027)
    appeal.refresh_from_db()
    assert appeal.step_due == at("2027-02-14 18:00") and not appeal.deadline_estimated


def test_requests_the_package_already_covered_are_left_alone(cast, clock):
    clock.set("2026-06-05 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    version = appeal.version
    enter(2027, SCHEDULE_2027)
    appeal.refresh_from_db()
    assert appeal.version == version and not AppealEvent.objects.filter(action="recalculate").exists()


def test_a_single_override_day_recomputes_as_well(cast, clock, client):
    clock.set("2027-03-01 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    due = appeal.handle_due
    client.force_login(cast.admin)
    client.post("/admin/workcalendar/calendarday/add/", {"date": "2027-03-03", "is_workday": "", "note": "地方假日"})
    assert CalendarDay.objects.filter(date="2027-03-03").exists()
    appeal.refresh_from_db()
    assert appeal.handle_due > due  # one working day more
    assert appeal.deadline_estimated  # the rest of the year is still unknown


def test_the_admin_is_warned_while_next_years_schedule_is_missing(cast, client, clock):
    clock.set("2026-11-20 10:00")
    client.force_login(cast.admin)
    page = client.get("/admin/").content.decode()
    assert 'data-calendar-missing="2027"' in page and "/admin/workcalendar/calendaryear/add/?year=2027" in page
    assert 'data-calendar-missing="2027"' in client.get("/work/").content.decode()
    client.force_login(cast.dispatcher)
    assert "data-calendar-missing" not in client.get("/work/").content.decode()  # the admin's business
    enter(2027, SCHEDULE_2027)
    client.force_login(cast.admin)
    assert "data-calendar-missing" not in client.get("/admin/").content.decode()


def test_the_staff_page_says_why(cast, clock, client):
    clock.set("2027-02-04 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    enter(2027, SCHEDULE_2027)
    client.force_login(cast.dispatcher)
    body = client.get(f"/work/appeals/{appeal.pk}/").content.decode()
    assert 'data-action="recalculate"' in body and "2027" in body
    assert Appeal.objects.get(pk=appeal.pk).deadline_estimated is False


def test_the_schedule_typed_again_replaces_the_years_days(db):
    enter(2027, SCHEDULE_2027)
    form = CalendarYearForm(instance=CalendarYear.objects.get(year=2027))
    assert form.initial["schedule"].splitlines() == [
        "2027-01-01~2027-01-03 休 元旦", "2027-02-06~2027-02-13 休 春节", "2027-02-14 班 春节调休"]
    # The admin corrects Spring Festival: the 13th is not off after all.
    corrected = SCHEDULE_2027.replace("2027-02-06~2027-02-13", "2027-02-06~2027-02-12")
    form = CalendarYearForm({"year": 2027, "note": "更正", "schedule": corrected},
                            instance=CalendarYear.objects.get(year=2027))
    assert form.is_valid(), form.errors
    site._registry[CalendarYear].save_model(RequestFactory().post("/"), form.save(commit=False), form, change=True)
    assert not CalendarDay.objects.filter(date="2027-02-13").exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == 3 + 7 + 1


def test_a_correction_in_a_known_year_recomputes_open_requests_with_deadlines_in_it(cast, clock, client):
    clock.set("2026-06-03 10:00")  # a Wednesday; the package knows 2026
    appeal = cast.appeal_in(S.SIGNED)
    due = appeal.handle_due
    assert not appeal.deadline_estimated
    client.force_login(cast.admin)
    client.post("/admin/workcalendar/calendarday/add/", {"date": "2026-06-04", "is_workday": "", "note": "地方假日"})
    appeal.refresh_from_db()
    assert appeal.handle_due > due
    assert AppealEvent.objects.filter(appeal=appeal, action="recalculate").exists()


def test_a_request_acted_on_meanwhile_is_read_again_not_skipped(cast, clock, monkeypatch):
    clock.set("2027-02-04 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    real = services.deadlines.recompute
    raced = []

    def recompute_then_someone_acts(target, events, calendar):
        changes = real(target, events, calendar)
        if not raced:  # between the read and the write, a supervisor urges it
            raced.append(True)
            services.urge(Appeal.objects.get(pk=target.pk), actor=member(cast, "supervisor"), content="请抓紧")
        return changes

    monkeypatch.setattr(services.deadlines, "recompute", recompute_then_someone_acts)
    enter(2027, SCHEDULE_2027)
    appeal.refresh_from_db()
    assert appeal.handle_due == at("2027-02-17 18:00") and not appeal.deadline_estimated


def test_a_supervision_running_into_an_unknown_year_is_estimated_then_recomputed(cast, clock):
    clock.set("2026-12-10 10:00")
    appeal = cast.appeal_in(S.SIGNED)
    assert not appeal.deadline_estimated
    clock.set("2026-12-30 10:00")  # a Wednesday: three working days reach into 2027
    services.supervise(appeal, actor=member(cast, "supervisor"), content="列入督办")
    appeal.refresh_from_db()
    assert appeal.deadline_estimated and appeal.supervise_due == at("2027-01-04 18:00")  # Thu, Fri, Mon
    enter(2027, SCHEDULE_2027)  # 1–3 January off
    appeal.refresh_from_db()
    assert appeal.supervise_due == at("2027-01-05 18:00") and not appeal.deadline_estimated
