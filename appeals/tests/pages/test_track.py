"""The resident's tracking pages: the number shows the public progress; the
private link (or a one-time code to the phone on record) shows the request
as its resident wrote it."""

from django.urls import reverse

from appeals import residents, services
from appeals.models import Appeal, AppealPhoto
from appeals.tests.actions._support import add_user, member
from organisations.models import Role

from .conftest import png


def test_the_track_form_finds_a_request_by_its_number_typed_loosely(client, cast):
    appeal = cast.submit()
    loose = "  " + appeal.tracking_no.removeprefix("HBY-").replace("-", " ").lower() + " "
    response = client.get(reverse("track_form"), {"no": loose})
    assert response.status_code == 302
    assert response["Location"] == reverse("track", args=[appeal.tracking_no])


def test_an_unknown_number_says_so(client, db):
    response = client.get(reverse("track_form"), {"no": "HBY-20260101-ZZZZZZ"})
    assert response.status_code == 404
    assert response.context["form"].errors["no"]
    assert client.get(reverse("track", args=["HBY-20260101-ZZZZZZ"])).status_code == 404


def test_the_track_form_lists_the_numbers_sent_from_this_browser_but_no_private_link(client, cast):
    client.post(reverse("submit"), {**cast.intake_data(), "contact_phone": "13899912345"})
    appeal = Appeal.objects.get()
    page = client.get(reverse("track_form")).content.decode()
    assert reverse("track", args=[appeal.tracking_no]) in page
    # The next person on a shared phone or a station's tablet gets no private link.
    assert residents.token_for(appeal) not in page and residents.token_for(appeal) not in str(dict(client.session))


def test_the_public_page_shows_status_dates_reply_and_unit(client, cast):
    appeal = cast.appeal_in("replied")
    response = client.get(reverse("track", args=[appeal.tracking_no]))
    assert response.status_code == 200
    body = response.content.decode()
    assert appeal.tracking_no in body
    assert 'data-status="replied"' in body
    assert "已联系物业维修，电梯恢复运行。" in body  # the reply
    assert "花城社区居委会" in body  # the unit, at most
    assert "Lift fault" in body
    actions = [a for a in ("submit", "register", "dispatch", "sign", "reply") if f'data-action="{a}"' in body]
    assert actions == ["submit", "register", "dispatch", "sign", "reply"]
    # The number alone does not evaluate: it offers the proof instead.
    assert "track_evaluate" not in body and reverse("track_code", args=[appeal.tracking_no]) in body
    # Where the code would go, by its last four digits only: nobody learns the number.
    assert "2345" in body and "138****" not in body and "1389991" not in body


def test_the_public_page_shows_nothing_the_resident_wrote(client, cast):
    appeal = cast.appeal_in("signed", title="王家电梯坏了", address="花城小区3号楼2单元")
    handler = cast.fresh(cast.handler)
    services.add_note(appeal, actor=handler, content="内部备注：居民情绪激动，注意沟通")
    services.reply(appeal, actor=handler, result="resolved", content="电梯已修复。")
    body = client.get(reverse("track", args=[appeal.tracking_no])).content.decode()
    for secret in ("13899912345", "王秀兰", "王**", "花城小区", "3号楼", "内部备注", "handler", "dispatcher",
                   "王家电梯", "老人上下楼"):
        assert secret not in body, secret
    assert 'data-action="note"' not in body
    assert '<dd data-area>花城社区</dd>' in body  # the community, not the compound


def test_a_rejected_request_shows_the_reason_to_the_resident(client, cast):
    appeal = cast.appeal_in("rejected")
    body = client.get(reverse("track", args=[appeal.tracking_no])).content.decode()
    assert "重复提交" in body and 'data-status="rejected"' in body


def test_the_private_link_shows_what_the_resident_wrote_their_photos_and_their_comment(client, cast):
    appeal, _ = services.create_appeal(cast.intake_data(address="花城小区3号楼"), photos=[png()])
    for step in ("register", "dispatch", "sign", "reply"):
        {"register": lambda: services.register(appeal, actor=member(cast, "dispatcher")),
         "dispatch": lambda: services.dispatch(appeal, actor=member(cast, "dispatcher"), unit=cast.community_unit.pk),
         "sign": lambda: services.sign_for(appeal, actor=member(cast, "handler")),
         "reply": lambda: services.reply(appeal, actor=member(cast, "handler"), result="resolved",
                                         content="已修复", photos=[png("after.png")])}[step]()
    services.evaluate(appeal, token=residents.token_for(appeal), rating="dissatisfied", comment="仍有异响")
    url = residents.private_path(appeal)
    body = client.get(url).content.decode()
    assert "data-what-i-wrote" in body and "老人上下楼很困难" in body and "花城小区3号楼" in body
    assert "仍有异响" in body  # their own evaluation comment
    before, after = AppealPhoto.objects.order_by("pk")
    for photo in (before, after):
        photo_url = reverse("track_photo", args=[appeal.tracking_no, residents.token_for(appeal), photo.token])
        assert photo_url in body
        image = client.get(photo_url)
        assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    wrong = reverse("track_photo", args=[appeal.tracking_no, "a" * 24, before.token])
    assert client.get(wrong).status_code == 404


def test_a_wrong_private_link_is_not_found(client, cast):
    appeal = cast.submit()
    assert client.get(reverse("track_private", args=[appeal.tracking_no, "a" * 24])).status_code == 404


def test_the_place_shown_is_the_community_chosen(client, cast):
    appeal, _ = services.create_appeal(cast.intake_data(community="HTB-Z-HC", address="花城小区3号楼"))
    body = client.get(residents.private_path(appeal)).content.decode()
    assert "<dd data-area>花城社区</dd>" in body


def test_a_signed_in_resident_goes_straight_to_their_own_request(client, cast):
    appeal = cast.submit()
    client.force_login(cast.resident)
    response = client.get(reverse("track", args=[appeal.tracking_no]))
    assert response.status_code == 302 and response["Location"] == residents.private_path(appeal)
    neighbour = add_user("neighbour", (Role.Name.RESIDENT, None, None))
    client.force_login(neighbour)
    assert client.get(reverse("track", args=[appeal.tracking_no])).status_code == 200  # the public page only


def test_one_browser_walking_numbers_is_stopped(client, db, settings):
    settings.HUBIYING_RATE_LIMITS = {**settings.HUBIYING_RATE_LIMITS, "track": (2, 60)}
    answers = [client.get(reverse("track", args=[f"HBY-20261201-AAAA{c}{c}"])) for c in "234"]
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert "12345" in answers[-1].content.decode() and int(answers[-1]["Retry-After"]) >= 1
