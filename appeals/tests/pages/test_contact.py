from django.urls import reverse

from organisations.models import PersonalDataView


def reveal(client, appeal):
    return client.post(reverse("appeal_contact", args=[appeal.pk]))


def test_the_handler_reveals_the_full_phone_and_the_view_is_logged(as_user, cast):
    appeal = cast.appeal_in("signed")
    client = as_user(cast.handler)
    assert 'data-reveal' in client.get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    response = reveal(client, appeal)
    assert response.status_code == 200
    body = response.content.decode()
    assert "13899912345" in body and "王秀兰" in body
    logged = PersonalDataView.objects.order_by("field")
    # Both the name and the phone are logged.
    assert [(v.viewer, v.subject, v.field) for v in logged] == [
        (cast.handler, f"appeal:{appeal.pk}", "contact_name"), (cast.handler, f"appeal:{appeal.pk}", "contact_phone")]


def test_a_plain_page_view_logs_nothing(as_user, cast):
    appeal = cast.appeal_in("signed")
    as_user(cast.handler).get(reverse("appeal_detail", args=[appeal.pk]))
    assert not PersonalDataView.objects.exists()


def test_a_supervisor_may_not_reveal_the_phone(as_user, cast):
    appeal = cast.appeal_in("signed")
    client = as_user(cast.supervisor)
    assert "data-reveal" not in client.get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    response = reveal(client, appeal)
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "13899912345" not in follow.content.decode()
    assert "You may not see this resident" in follow.content.decode()
    assert not PersonalDataView.objects.exists()


def test_an_anonymous_residents_contact_is_shown_to_nobody(as_user, cast):
    appeal = cast.appeal_in("signed", anonymous=True)
    client = as_user(cast.handler)
    body = client.get(reverse("appeal_detail", args=[appeal.pk])).content.decode()
    assert "138****2345" not in body and "data-reveal" not in body
    assert "13899912345" not in reveal(client, appeal).content.decode()
    assert not PersonalDataView.objects.exists()


def test_the_outsider_cannot_reveal_anything(as_user, cast):
    appeal = cast.appeal_in("signed")
    assert reveal(as_user(cast.outsider), appeal).status_code == 404
    assert not PersonalDataView.objects.exists()


def test_revealing_needs_a_post(as_user, cast):
    appeal = cast.appeal_in("signed")
    assert as_user(cast.handler).get(reverse("appeal_contact", args=[appeal.pk])).status_code == 405
