from django.urls import reverse

from appeals import services


def test_the_track_form_finds_a_request_by_its_number_in_any_case(client, cast):
    appeal = cast.submit()
    response = client.get(reverse("track_form"), {"no": f"  {appeal.tracking_no.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("track", args=[appeal.tracking_no])


def test_an_unknown_number_says_so(client, db):
    response = client.get(reverse("track_form"), {"no": "HBY-20260101-0999"})
    assert response.status_code == 404
    assert response.context["form"].errors["no"]
    assert client.get(reverse("track", args=["HBY-20260101-0999"])).status_code == 404


def test_the_track_form_lists_the_numbers_sent_from_this_browser(client, cast):
    client.post(reverse("submit"), {**cast.intake_data(), "contact_phone": "13899912345"})
    number = client.session["hby_recent_tracking"][0]
    assert number in client.get(reverse("track_form")).content.decode()


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
    assert f'href="{reverse("track_evaluate", args=[appeal.tracking_no])}"' in body


def test_the_public_page_shows_no_personal_data_notes_or_staff_names(client, cast):
    appeal = cast.appeal_in("signed")
    handler = cast.fresh(cast.handler)
    services.add_note(appeal, actor=handler, content="内部备注：居民情绪激动，注意沟通")
    services.reply(appeal, actor=handler, result="resolved", content="电梯已修复。")
    body = client.get(reverse("track", args=[appeal.tracking_no])).content.decode()
    for secret in ("13899912345", "138****2345", "王秀兰", "王**", "花城小区3号楼", "内部备注", "handler",
                   "dispatcher"):
        assert secret not in body, secret
    assert 'data-action="note"' not in body


def test_a_rejected_request_shows_the_reason_to_the_resident(client, cast):
    appeal = cast.appeal_in("rejected")
    body = client.get(reverse("track", args=[appeal.tracking_no])).content.decode()
    assert "重复提交" in body and 'data-status="rejected"' in body
