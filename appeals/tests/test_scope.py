"""visible_appeals / get_appeal_for: who sees which requests, for every role of
the cast; contact_for: who sees a resident's phone."""

import pytest
from django.contrib.auth.models import AnonymousUser

from appeals import services
from appeals.access import contact_for, get_appeal_for, may_see_contact, visible_appeals
from appeals.errors import NotFound
from appeals.models import Appeal, Status
from appeals.tests.actions._support import add_user, member
from organisations.models import PersonalDataView, Role

S = Status


@pytest.fixture
def world(cast):
    """One request of each kind of visibility, named by what makes it visible."""
    dispatcher, other_dispatcher = member(cast, "dispatcher"), member(cast, "other_dispatcher")
    neighbour = add_user("neighbour", (Role.Name.RESIDENT, None, None))
    w = {}
    w["mine"] = cast.appeal_in(S.DISPATCHED)  # the resident's, lead unit: the community office
    w["neighbours"], _ = services.create_appeal(cast.intake_data(community="HTB-Z-HC", address="幸福路8号"),
                                                actor=neighbour)  # in the community, outside the grid
    for name, unit, co_units in (("co_unit", cast.department, [cast.community_unit.pk]),
                                 ("property", cast.property, [])):
        w[name], _ = services.create_appeal(cast.intake_data(), actor=neighbour)  # in 花城小区
        services.register(w[name], actor=dispatcher)
        services.dispatch(w[name], actor=dispatcher, unit=unit.pk, co_units=co_units)
    # Registered by the grid worker on patrol for a place outside the grid.
    w["patrol_elsewhere"], _ = services.create_appeal(cast.intake_data(community="CJ-YA-BJ", address="北京南路12号"),
                                                      actor=member(cast, "grid_worker"), channel="patrol")
    w["other_city"], _ = services.create_appeal(cast.intake_data(community="CJ-YA-BJ", address="北京南路3号"),
                                                actor=neighbour)
    services.register(w["other_city"], actor=other_dispatcher)
    services.dispatch(w["other_city"], actor=other_dispatcher, unit=cast.other_unit.pk)
    return w


HUACHENG = {"mine", "neighbours", "co_unit", "property"}
EXPECTED = {
    "resident": {"mine"},
    "grid_worker": {"mine", "co_unit", "property", "patrol_elsewhere"},
    "handler": {"mine", "co_unit"},
    "property_handler": {"property"},
    "dispatcher": HUACHENG,
    "supervisor": HUACHENG,
    "leader": HUACHENG,
    "outsider": {"other_city"},
    "other_dispatcher": {"patrol_elsewhere", "other_city"},
    "admin": HUACHENG | {"patrol_elsewhere", "other_city"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_role_sees_exactly_the_requests_in_its_scope(cast, world, who):
    names = {pk: name for name, pk in ((n, a.pk) for n, a in world.items())}
    visible = list(visible_appeals(member(cast, who)).values_list("pk", flat=True))
    assert len(visible) == len(set(visible))  # a co-unit join never repeats a row
    assert {names[pk] for pk in visible} == EXPECTED[who]


def test_the_outsider_sees_none_of_huacheng(cast, world):
    outsider = member(cast, "outsider")
    assert not visible_appeals(outsider).filter(node_path__startswith=cast.community.path).exists()
    for name in HUACHENG:
        with pytest.raises(NotFound) as info:
            get_appeal_for(outsider, world[name].pk)
        assert info.value.status == 404


def test_a_visitor_without_an_account_sees_nothing(cast, world):
    assert not visible_appeals(AnonymousUser()).exists()
    with pytest.raises(NotFound):
        get_appeal_for(AnonymousUser(), world["mine"].pk)


@pytest.mark.parametrize("pk", ["abc", None, 999999, "1 OR 1=1"])
def test_a_malformed_or_unknown_id_is_not_found(cast, pk):
    with pytest.raises(NotFound):
        get_appeal_for(member(cast, "admin"), pk)


def test_get_appeal_for_returns_a_request_in_scope(cast, world):
    appeal = get_appeal_for(member(cast, "handler"), str(world["co_unit"].pk))
    assert appeal.pk == world["co_unit"].pk and appeal.unit == cast.department


def test_an_escalated_request_is_still_visible_to_the_town_but_owned_by_the_county(cast):
    appeal = cast.appeal_in(S.REOPENED)
    Appeal.objects.filter(pk=appeal.pk).update(owner_node=cast.county, owner_path=cast.county.path)
    county_dispatcher = add_user("countydispatcher", (Role.Name.DISPATCHER, cast.county, None))
    assert visible_appeals(member(cast, "dispatcher")).filter(pk=appeal.pk).exists()
    assert visible_appeals(county_dispatcher).filter(pk=appeal.pk).exists()


# --- the resident's phone ---------------------------------------------------------------

def test_phones_are_masked_unless_revealed_by_someone_who_must_call(cast):
    appeal = cast.appeal_in(S.DISPATCHED)
    supervisor = member(cast, "supervisor")
    assert contact_for(supervisor, appeal, reveal=True) == {"name": "王**", "phone": "138****2345", "masked": True}
    assert PersonalDataView.objects.count() == 0

    handler = member(cast, "handler")
    assert contact_for(handler, appeal)["phone"] == "138****2345"
    assert contact_for(handler, appeal, reveal=True) == {"name": "王秀兰", "phone": "13899912345", "masked": False}
    views = PersonalDataView.objects.order_by("field")
    assert [(v.viewer, v.subject, v.field) for v in views] == [
        (cast.handler, f"appeal:{appeal.pk}", "contact_name"), (cast.handler, f"appeal:{appeal.pk}", "contact_phone")]


def test_nobody_sees_an_anonymous_residents_contact(cast):
    appeal = cast.appeal_in(S.DISPATCHED, anonymous=True)
    for who in ("handler", "dispatcher", "admin"):
        contact = contact_for(member(cast, who), appeal, reveal=True)
        assert contact["phone"] == "" and contact["masked"]
    assert PersonalDataView.objects.count() == 0


def test_a_visitor_never_sees_the_phone_of_a_request_staff_registered(cast):
    appeal, _ = services.create_appeal(cast.intake_data(), actor=member(cast, "dispatcher"), channel="hotline")
    assert appeal.submitted_by_id is None
    assert may_see_contact(AnonymousUser(), appeal) is False
    assert contact_for(AnonymousUser(), appeal, reveal=True)["phone"] == "138****2345"
