"""Text messages on a real provider's API, at the right hours, to those who want them.

A local fake of Alibaba Cloud's SendSms checks each call's signature the way the
provider does (written here from its documentation, apart from the backend) and
answers as told: OK, a rate limit, a refusal no retry changes, a server error,
no answer in time, or not JSON."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from notifications import sms
from notifications.models import SmsMessage

pytestmark = pytest.mark.django_db
SECRET = "fake-secret-of-the-county"
ALIYUN = "notifications.sms_aliyun.AliyunBackend"
IDS = ",".join(f"{t}=SMS_4800000{i:02d}" for i, t in enumerate(sms.T.values))


class FakeAliyun(BaseHTTPRequestHandler):
    answers: list = []  # what to do with each next call: "ok", "limit", "illegal", "500", "slow", "garbage"
    calls: list = []

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        fields = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        given = fields.pop("Signature", "")
        enc = lambda v: urllib.parse.quote(v, safe="~")  # noqa: E731
        canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(fields.items()))
        expected = base64.b64encode(hmac.new(f"{SECRET}&".encode(), f"POST&%2F&{enc(canonical)}".encode(),
                                             hashlib.sha1).digest()).decode()
        FakeAliyun.calls.append(fields)
        what = FakeAliyun.answers.pop(0) if FakeAliyun.answers else "ok"
        if given != expected:
            return self.reply(400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"})
        if what == "slow":
            time.sleep(1.5)
            return self.reply(200, {"Code": "OK", "BizId": "late"})
        if what == "500":
            return self.reply(500, None)
        if what == "garbage":
            return self.reply(200, None, raw=b"<html>gateway</html>")
        if what == "limit":
            return self.reply(200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发小时级流控Permits:5"})
        if what == "illegal":
            return self.reply(200, {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
        return self.reply(200, {"Code": "OK", "Message": "OK", "BizId": f"9{len(FakeAliyun.calls):05d}^0",
                                "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"})

    def reply(self, status, payload, raw=None):
        data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else b"")
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except BrokenPipeError:
            pass  # the client gave up waiting (the time-out case)


@pytest.fixture
def aliyun(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAliyun)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeAliyun.answers, FakeAliyun.calls = [], []
    settings.SMS_BACKEND = ALIYUN
    settings.SMS_ALIYUN_ENDPOINT = f"http://127.0.0.1:{server.server_port}/"
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "LTAI5tFakeKeyId"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = SECRET
    settings.SMS_SIGN_NAME = "呼图壁县呼必应"
    settings.SMS_TEMPLATE_IDS = IDS
    settings.SMS_TIMEOUT = 0.5
    yield FakeAliyun
    server.shutdown()
    server.server_close()


def later() -> None:
    SmsMessage.objects.update(due_at=timezone.now() - timedelta(seconds=1))


def test_a_message_goes_to_the_providers_api_signed_with_its_template_and_values(aliyun):
    sms.queue("13912345678", sms.T.APPEAL_REPLIED, {"no": "HTB20261202007", "link": "https://hby.example/t/x/"})
    assert sms.send_pending() == 1
    (call,) = aliyun.calls
    assert call["Action"] == "SendSms" and call["Version"] == "2017-05-25" and call["PhoneNumbers"] == "13912345678"
    assert call["SignName"] == "呼图壁县呼必应" and call["TemplateCode"] == IDS.split(",")[1].split("=")[1]
    assert json.loads(call["TemplateParam"]) == {"no": "HTB20261202007", "link": "https://hby.example/t/x/"}
    row = SmsMessage.objects.get()
    assert row.sent_at and row.provider_ref == "900001^0" and row.params["link"] == "***"
    assert sms.send_pending() == 0 and len(aliyun.calls) == 1  # once


@pytest.mark.parametrize("failure", ["limit", "500", "slow", "garbage"])
def test_a_provider_failure_is_tried_again_after_the_back_off_and_sent_once(aliyun, failure):
    aliyun.answers = [failure]
    sms.queue("13912345678", sms.T.APPEAL_RECEIVED, {"no": "HTB20261202007", "link": "https://hby.example/t/x/"})
    assert sms.send_pending() == 0
    row = SmsMessage.objects.get()
    assert row.attempts == 1 and row.sent_at is None and row.last_error and row.due_at > timezone.now()
    assert sms.send_pending() == 0  # not before its time
    later()
    assert sms.send_pending() == 1
    row.refresh_from_db()
    assert row.sent_at and row.attempts == 2 and row.last_error == ""
    assert len(aliyun.calls) == 2


def test_a_refusal_no_retry_can_change_is_given_up_at_once_and_keeps_no_secret(aliyun):
    aliyun.answers = ["illegal"]
    sms.queue("12345", sms.T.APPEAL_RECEIVED, {"no": "HTB20261202007", "link": "https://hby.example/t/x/"})
    assert sms.send_pending() == 0
    row = SmsMessage.objects.get()
    assert row.attempts == sms.MAX_ATTEMPTS and "MOBILE_NUMBER_ILLEGAL" in row.last_error
    assert row.params["link"] == "***"
    later()
    assert sms.send_pending() == 0 and len(aliyun.calls) == 1


def test_a_wrong_secret_is_refused_by_the_provider_and_not_retried(aliyun, settings):
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    sms.queue("13912345678", sms.T.ONE_TIME_CODE, {"code": "123456", "minutes": 10})
    assert sms.send_pending() == 0
    row = SmsMessage.objects.get()
    assert "SignatureDoesNotMatch" in row.last_error and row.attempts == sms.MAX_ATTEMPTS


def test_the_check_names_what_the_provider_still_needs(settings):
    from notifications.apps import check_sms_provider

    settings.SMS_BACKEND = ALIYUN
    settings.SMS_ALIYUN_ACCESS_KEY_ID, settings.SMS_SIGN_NAME = "LTAI5tFakeKeyId", "呼必应"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET, settings.SMS_TEMPLATE_IDS = "", "appeal_received=SMS_1"
    found = {e.id: e.msg for e in check_sms_provider(None)}
    assert set(found) == {"notifications.E001", "notifications.E002"}
    assert "SMS_ALIYUN_ACCESS_KEY_SECRET" in found["notifications.E001"]
    assert "appeal_replied" in found["notifications.E002"]
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET, settings.SMS_TEMPLATE_IDS = SECRET, IDS
    settings.SMS_QUIET_HOURS = "22:00 to 07:00"
    assert [e.id for e in check_sms_provider(None)] == ["notifications.E003"]


# --- Quiet hours ---------------------------------------------------------------------

def at(hhmm: str, day: str = "2026-12-02") -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{hhmm}"))


@pytest.mark.parametrize(("now", "until"), [
    ("23:30", "2026-12-03T07:00"), ("02:00", "2026-12-02T07:00"), ("06:59", "2026-12-02T07:00"),
    ("07:00", None), ("12:00", None), ("21:59", None), ("22:00", "2026-12-03T07:00"),
])
def test_the_quiet_hours_run_past_midnight(settings, now, until):
    settings.SMS_QUIET_HOURS = "22:00-07:00"
    found = sms.quiet_until(at(now))
    assert (timezone.localtime(found).strftime("%Y-%m-%dT%H:%M") if found else None) == until


def test_a_window_within_one_day_and_off(settings):
    settings.SMS_QUIET_HOURS = "12:00-14:00"
    assert sms.quiet_until(at("13:00")) == at("14:00") and sms.quiet_until(at("14:00")) is None
    settings.SMS_QUIET_HOURS = "off"
    assert sms.quiet_until(at("23:00")) is None


@pytest.fixture
def quiet_now(settings):
    """Quiet hours around this very moment, ending in an hour."""
    now = timezone.localtime()
    settings.SMS_QUIET_HOURS = f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=1)):%H:%M}"
    return now


def test_in_the_quiet_hours_a_reply_waits_but_a_code_and_an_urgent_request_go(quiet_now):
    sms.queue("13912345678", sms.T.ONE_TIME_CODE, {"code": "123456", "minutes": 10})
    sms.queue("13912345678", sms.T.APPEAL_REPLIED, {"no": "HTB1", "link": "https://hby.example/t/1/"})
    sms.queue("13912345678", sms.T.APPEAL_REPLIED, {"no": "HTB2", "link": "https://hby.example/t/2/"}, urgent=True)
    assert sms.send_pending() == 2
    assert [m["params"].get("no") for m in sms.outbox] == [None, "HTB2"]
    held = SmsMessage.objects.get(sent_at__isnull=True)
    assert held.params["no"] == "HTB1"
    assert timedelta(minutes=58) < held.due_at - quiet_now <= timedelta(hours=1, minutes=1)


def test_the_outbox_marks_the_reply_of_an_urgent_request_urgent(cast, quiet_now):
    from appeals import services
    from appeals.models import Status
    from conftest import deliver

    urgent = cast.appeal_in(Status.SIGNED, urgency="urgent", contact_phone="13900000001")
    normal = cast.appeal_in(Status.SIGNED, contact_phone="13900000002")
    deliver()
    for appeal in (urgent, normal):
        services.reply(appeal, actor=cast.fresh(cast.handler), result="resolved", content="已修复。")
    deliver()
    replies = SmsMessage.objects.filter(template=sms.T.APPEAL_REPLIED)
    assert set(replies.filter(sent_at__isnull=False).values_list("phone", flat=True)) == {"13900000001"}
    assert replies.get(phone="13900000002").due_at > timezone.now()


# --- Opting out ----------------------------------------------------------------------

def test_a_resident_opts_out_on_their_private_page_and_gets_only_the_codes_they_ask_for(cast, client):
    from appeals import residents
    from conftest import deliver

    appeal = cast.submit(contact_phone="13912345678")
    deliver()
    assert len(sms.outbox) == 1  # 受理, with the private link
    page = residents.private_path(appeal)
    shown = client.get(page, secure=True).content.decode()
    assert 'data-form="sms" data-opted-out="0"' in shown
    answer = client.post(page + "sms/", {"choice": "off"}, secure=True)
    assert answer.status_code == 302 and answer["Location"] == page
    assert 'data-opted-out="1"' in client.get(page, secure=True).content.decode()
    sms.queue("13912345678", sms.T.APPEAL_REPLIED, {"no": appeal.tracking_no, "link": "https://hby.example/t/"})
    sms.queue("13912345678", sms.T.ONE_TIME_CODE, {"code": "654321", "minutes": 10})
    assert sms.send_pending() == 1 and sms.outbox[-1]["template"] == sms.T.ONE_TIME_CODE
    dropped = SmsMessage.objects.get(template=sms.T.APPEAL_REPLIED)
    assert dropped.dropped == "opted_out" and dropped.sent_at is None and dropped.params["link"] == "***"
    client.post(page + "sms/", {"choice": "on"}, secure=True)
    sms.queue("13912345678", sms.T.APPEAL_REPLIED, {"no": appeal.tracking_no, "link": "https://hby.example/t/"})
    assert sms.send_pending() == 1


def test_opting_out_needs_the_private_link_and_a_choice(cast, client):
    from appeals import residents

    appeal = cast.submit(contact_phone="13912345678")
    page = residents.private_path(appeal)
    wrong = page.rstrip("/").rsplit("/", 1)[0] + "/" + "A" * 24 + "/sms/"
    assert client.post(wrong, {"choice": "off"}, secure=True).status_code == 404
    assert client.post(page + "sms/", {"choice": "maybe"}, secure=True).status_code == 400
    assert client.get(page + "sms/", secure=True).status_code == 405
    assert not sms.opted_out("13912345678")


def test_closing_a_request_texts_the_resident(cast):
    from appeals import services
    from appeals.models import Status
    from conftest import deliver

    appeal = cast.appeal_in(Status.EVALUATED, contact_phone="13912345678")
    deliver()
    sms.outbox.clear()
    services.close(appeal, actor=cast.fresh(cast.dispatcher))
    deliver()
    assert [m["template"] for m in sms.outbox] == [sms.T.APPEAL_CLOSED]
    assert appeal.tracking_no in sms.outbox[0]["text"]
