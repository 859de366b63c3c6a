from django.urls import reverse


def test_staff_log_in_with_their_password_and_land_on_the_workbench(client, cast):
    response = client.post(reverse("login"), {"username": "dispatcher", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench")
    assert client.get(reverse("workbench")).status_code == 200


def test_a_wrong_password_is_refused_on_the_login_page(client, cast):
    response = client.post(reverse("login"), {"username": "dispatcher", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors


def test_logging_out_returns_to_the_start_page(as_user, cast):
    client = as_user(cast.handler)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_the_workbench_asks_strangers_to_log_in(client, db):
    response = client.get(reverse("workbench"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
