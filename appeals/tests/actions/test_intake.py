"""create_appeal: intake from residents, API clients and staff on a resident's behalf."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from appeals import services
from appeals.errors import Forbidden, Invalid
from appeals.intake import resolve_node
from appeals.models import Appeal, Category, Status

from ._support import at, events, member, refused

S = Status


def test_a_resident_submits_a_request_from_the_web_page(cast, clock):
    clock.set("2026-06-05 16:00")  # Friday
    appeal, created = services.create_appeal(cast.intake_data(), actor=member(cast, "resident"))
    assert created is True
    appeal.refresh_from_db()
    assert appeal.status == S.SUBMITTED and appeal.channel == "web"
    assert appeal.submitted_by == cast.resident and appeal.created_by is None
    assert appeal.category == cast.category and appeal.title == "电梯停运三天"
    assert appeal.contact_phone == "13899912345" and appeal.contact_name == "王秀兰"
    assert appeal.node == cast.compound and appeal.owner_node == cast.town
    assert appeal.node_path == cast.compound.path and appeal.owner_path == cast.town.path
    # The dispatcher has 4 working hours: 16–18 today, 9–11 on Monday.
    assert appeal.step_due == at("2026-06-08 11:00")
    (submit,) = events(appeal)
    assert (submit.action, submit.from_status, submit.to_status) == ("submit", "", S.SUBMITTED)
    assert submit.actor == cast.resident and submit.data == {
        "channel": "web", "category": cast.category.pk, "type": "help", "urgency": "normal", "node": cast.compound.pk}


def test_a_visitor_without_an_account_submits_through_the_api(cast):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=AnonymousUser(), channel="api")
    assert appeal.submitted_by is None and appeal.channel == "api"
    assert events(appeal)[0].actor is None


def test_the_title_defaults_to_the_start_of_the_description(cast):
    appeal, _ = services.create_appeal(cast.intake_data(title=""), actor=member(cast, "resident"))
    assert appeal.title == cast.intake_data()["description"][:30]


def test_a_description_of_one_4000_character_word_is_accepted_and_found(cast):
    # PostgreSQL's search terms hold at most 2,047 bytes: the word is kept by its start.
    appeal, _ = services.create_appeal(cast.intake_data(description="a1" * 2000), actor=member(cast, "resident"))
    from appeals.models import Appeal
    from appeals.search import matching

    assert list(matching(Appeal.objects.all(), "a1a1a1")) == [appeal]


def test_a_description_of_exactly_4000_characters_is_accepted(cast):
    appeal, _ = services.create_appeal(cast.intake_data(description="电" * 4000), actor=member(cast, "resident"))
    assert len(appeal.description) == 4000


# --- tracking numbers ---------------------------------------------------------------

def test_tracking_numbers_count_per_day_on_the_countys_clock(cast, clock):
    resident = member(cast, "resident")
    clock.set("2026-06-05 09:00")
    first, _ = services.create_appeal(cast.intake_data(), actor=resident)
    clock.set("2026-06-05 23:59")
    second, _ = services.create_appeal(cast.intake_data(), actor=resident)
    clock.set("2026-06-06 00:01")  # still 5 June in UTC
    third, _ = services.create_appeal(cast.intake_data(), actor=resident)
    numbers = [first.tracking_no, second.tracking_no, third.tracking_no]
    assert [n[:13] for n in numbers] == ["HBY-20260605-", "HBY-20260605-", "HBY-20260606-"]
    assert len(set(numbers)) == 3


def test_tracking_numbers_cannot_be_walked(cast):
    """Six random characters without look-alikes: the next number is not the last plus one."""
    numbers = [services.create_appeal(cast.intake_data(), actor=member(cast, "resident"))[0].tracking_no
               for _ in range(5)]
    for number in numbers:
        assert re.fullmatch(r"HBY-\d{8}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}", number), number
    assert len({n[-6:] for n in numbers}) == 5


def test_a_tracking_number_already_taken_is_drawn_again(cast, monkeypatch):
    from appeals import tracking

    taken = services.create_appeal(cast.intake_data(), actor=member(cast, "resident"))[0].tracking_no
    draws = iter([taken, taken, "HBY-20260605-NEWONE"])
    monkeypatch.setattr(tracking, "new", lambda now=None: next(draws))
    appeal, created = services.create_appeal(cast.intake_data(), actor=member(cast, "resident"))
    assert created and appeal.tracking_no == "HBY-20260605-NEWONE"
    assert Appeal.objects.count() == 2


# --- where the request belongs --------------------------------------------------------

def test_a_community_code_places_the_request_in_that_community(cast):
    appeal, _ = services.create_appeal(cast.intake_data(community="HTB-Z-HC", address="幸福路8号"),
                                       actor=member(cast, "resident"))
    assert appeal.node == cast.community and appeal.owner_node == cast.town


def test_a_community_code_is_refined_by_a_compound_named_in_the_address(cast):
    assert resolve_node(None, None, "花城小区3号楼2单元", cast.community) == cast.compound


def test_a_map_pin_resolves_to_the_nearest_compound(cast):
    appeal, _ = services.create_appeal(cast.intake_data(lat=44.1912, lng=86.9013, address=""),
                                       actor=member(cast, "resident"))
    assert appeal.node == cast.compound and (appeal.lat, appeal.lng) == (44.1912, 86.9013)


def test_a_map_pin_near_only_a_community_resolves_to_that_community(cast):
    assert resolve_node(44.012, 87.301, "") == cast.other_community


def test_a_pin_far_from_every_place_falls_back_to_the_address(cast):
    assert resolve_node(40.0, 80.0, "北京南路社区5栋") == cast.other_community


def test_an_address_naming_a_compound_resolves_to_it(cast):
    assert resolve_node(None, None, "呼图壁镇花城小区5栋") == cast.compound


def test_an_unknown_place_goes_to_the_default_node(cast, settings):
    settings.HUBIYING_DEFAULT_NODE = "HTB"
    appeal, _ = services.create_appeal(cast.intake_data(address="不知道哪里"), actor=member(cast, "resident"))
    assert appeal.node == cast.county and appeal.owner_node == cast.county


def test_without_a_configured_default_the_first_root_is_used(cast, settings):
    settings.HUBIYING_DEFAULT_NODE = ""
    assert resolve_node(None, None, "不知道哪里") == cast.city  # "/CJ/" sorts before "/HTB/"


# --- staff channels ----------------------------------------------------------------

@pytest.mark.parametrize(("who", "channel"), [("dispatcher", "hotline"), ("grid_worker", "patrol"),
                                               ("handler", "walk_in"), ("grid_worker", "talk_day")])
def test_staff_register_a_request_on_a_residents_behalf_at_once(cast, who, channel):
    staff = member(cast, who)
    appeal, _ = services.create_appeal(cast.intake_data(contact_phone=""), actor=staff, channel=channel)
    appeal.refresh_from_db()
    assert appeal.status == S.REGISTERED and appeal.channel == channel
    assert appeal.created_by == staff and appeal.submitted_by is None
    assert appeal.contact_phone == ""  # a phone is optional when staff take the request
    submit, register = events(appeal)
    assert (submit.action, submit.to_status, submit.actor) == ("submit", S.SUBMITTED, staff)
    assert (register.action, register.from_status, register.to_status) == ("register", S.SUBMITTED, S.REGISTERED)
    assert register.actor == staff and register.data == {"on_behalf": True}


@pytest.mark.parametrize("who", ["resident", "supervisor", "leader"])
def test_only_grid_workers_dispatchers_and_handlers_take_requests_on_a_residents_behalf(cast, who):
    refused(Forbidden, lambda: services.create_appeal(cast.intake_data(), actor=member(cast, who),
                                                      channel="hotline"))


def test_a_visitor_cannot_use_a_staff_channel(cast):
    refused(Forbidden, lambda: services.create_appeal(cast.intake_data(), actor=None, channel="walk_in"))


# --- bad input: a clear refusal naming the field, and nothing stored -----------------

BAD_INPUT = [
    ("missing phone", {"contact_phone": ""}, "contact_phone"),
    ("short phone", {"contact_phone": "12345"}, "contact_phone"),
    ("letters in phone", {"contact_phone": "1389991234a"}, "contact_phone"),
    ("arabic-indic digits", {"contact_phone": "١٣٨٩٩٩١٢٣٤٥"}, "contact_phone"),
    ("missing description", {"description": ""}, "description"),
    ("blank description", {"description": "   "}, "description"),
    ("too-long description", {"description": "电" * 4001}, "description"),
    ("markup in the description", {"description": "楼道灯坏了<script>alert(1)</script>"}, "description"),
    ("description not text", {"description": ["a"]}, "description"),
    ("too-long title", {"title": "题" * 101}, "title"),
    ("unknown category", {"category": "NOPE"}, "category"),
    ("no category", {"category": None}, "category"),
    ("first-level category with children", {"category": "WY"}, "category"),
    ("unknown type", {"type": "rant"}, "type"),
    ("unknown urgency", {"urgency": "very"}, "urgency"),
    ("lat without lng", {"lat": 44.19}, "lat"),
    ("lng without lat", {"lng": 86.9}, "lat"),
    ("latitude out of range", {"lat": 91, "lng": 86.9}, "lat"),
    ("latitude not a number", {"lat": "north", "lng": 86.9}, "lat"),
    ("no place at all", {"address": ""}, "address"),
    ("too-long address", {"address": "路" * 201}, "address"),
    ("anonymous not yes or no", {"anonymous": "maybe"}, "anonymous"),
]


@pytest.mark.parametrize(("label", "changes", "field"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_refused_with_the_field_and_nothing_is_stored(cast, label, changes, field):
    error = refused(Invalid, lambda: services.create_appeal(cast.intake_data(**changes),
                                                            actor=member(cast, "resident")), field=field)
    assert error.status == 400 and error.code == ("unknown_category" if field == "category" else "invalid")
    assert Appeal.objects.count() == 0


def test_an_inactive_category_cannot_be_chosen(cast):
    Category.objects.filter(pk=cast.category.pk).update(active=False)
    refused(Invalid, lambda: services.create_appeal(cast.intake_data(), actor=member(cast, "resident")),
            field="category")


def test_an_unknown_channel_is_refused(cast):
    refused(Invalid, lambda: services.create_appeal(cast.intake_data(), actor=member(cast, "resident"),
                                                    channel="fax"), field="channel")


@pytest.mark.parametrize(("typed", "stored"), [
    ("138 9991 2345", "13899912345"),
    ("１３８９９９１２３４５", "13899912345"),  # full-width digits from a Chinese input method
    ("0994-5812345", "0994-5812345"),
])
def test_a_phone_number_is_stored_in_plain_digits(cast, typed, stored):
    appeal, _ = services.create_appeal(cast.intake_data(contact_phone=typed), actor=member(cast, "resident"))
    appeal.refresh_from_db()
    assert appeal.contact_phone == stored


def test_a_first_level_category_without_children_may_be_chosen(cast):
    Category.objects.create(code="QT", name="其他")
    appeal, _ = services.create_appeal(cast.intake_data(category="QT"), actor=member(cast, "resident"))
    assert appeal.category.code == "QT"
