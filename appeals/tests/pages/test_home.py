from django.urls import reverse


def test_home_offers_submit_track_and_staff_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="{reverse("submit")}"' in body
    assert f'href="{reverse("track_form")}"' in body
    assert f'href="{reverse("login")}"' in body


def test_every_page_carries_the_language_switch(client, db):
    body = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in body
    assert 'value="zh-hans"' in body and 'value="en"' in body


def test_switching_to_english_is_remembered(client, db, settings):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/").content.decode()
