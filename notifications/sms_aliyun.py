"""Text messages through Alibaba Cloud's SMS service (阿里云短信服务, dysmsapi), the
provider most Chinese county platforms already hold an account with.

`SMS_BACKEND=notifications.sms_aliyun.AliyunBackend`, with

- `SMS_ALIYUN_ACCESS_KEY_ID`, `SMS_ALIYUN_ACCESS_KEY_SECRET`: a RAM user's key allowed only `dysms:SendSms`;
- `SMS_SIGN_NAME`: the approved signature (签名), e.g. 呼图壁县呼必应;
- `SMS_TEMPLATE_IDS`: the approved template of each of Hubiying's messages, e.g.
  `appeal_received=SMS_480000001,appeal_replied=SMS_480000002,…` (`manage.py check` names any missing);
  each template's variables are the names of `notifications.sms.render`'s values (no, link, code, …);
- `SMS_ALIYUN_ENDPOINT` (default https://dysmsapi.aliyuncs.com/) and `SMS_TIMEOUT` (seconds, default 5).

The call is the RPC style `SendSms` (version 2017-05-25), signed with HMAC-SHA1 over the sorted,
percent-encoded parameters. An answer other than `OK` raises: the worker records it and tries again
after its back-off, except for refusals that no retry can change (a wrong number, a missing template or
variable, a rejected signature), which raise `sms.Permanent` so the message is given up at once.
A time-out is retried too; the provider has no idempotency key, so a message whose answer was lost in a
time-out may, rarely, arrive twice — never more than the attempts allow.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime

from django.conf import settings

from .sms import Permanent, Transient

ENDPOINT = "https://dysmsapi.aliyuncs.com/"
# Refusals that the same request would get again (Alibaba Cloud's error codes for SendSms).
PERMANENT = {
    "isv.MOBILE_NUMBER_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL", "isv.SMS_SIGNATURE_ILLEGAL",
    "isv.TEMPLATE_MISSING_PARAMETERS", "isv.TEMPLATE_PARAMS_ILLEGAL", "isv.PARAM_LENGTH_LIMIT",
    "isv.BLACK_KEY_CONTROL_LIMIT", "isv.INVALID_PARAMETERS", "isv.MOBILE_COUNT_OVER_LIMIT",
    "isv.SMS_SIGN_ILLEGAL", "isv.ACCOUNT_NOT_EXISTS", "isv.ACCOUNT_ABNORMAL",
    "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch", "isv.DENY_IP_RANGE",
}


def percent(value: str) -> str:
    """RFC 3986 encoding as the signature wants it: spaces %20, '*' %2A, '~' kept."""
    return urllib.parse.quote(str(value), safe="~")


def signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def template_ids() -> dict[str, str]:
    text = getattr(settings, "SMS_TEMPLATE_IDS", "") or ""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {name.strip(): code.strip() for name, code in pairs if code.strip()}


class AliyunBackend:
    def __init__(self) -> None:
        self.key_id = settings.SMS_ALIYUN_ACCESS_KEY_ID
        self.secret = settings.SMS_ALIYUN_ACCESS_KEY_SECRET
        self.sign_name = settings.SMS_SIGN_NAME
        self.endpoint = getattr(settings, "SMS_ALIYUN_ENDPOINT", "") or ENDPOINT
        self.timeout = float(getattr(settings, "SMS_TIMEOUT", 5))
        self.templates = template_ids()

    def request(self, phone: str, template: str, params: dict) -> dict[str, str]:
        code = self.templates.get(template)
        if not code:
            raise Permanent(f"no template id for {template} in SMS_TEMPLATE_IDS")
        fields = {
            "AccessKeyId": self.key_id, "Action": "SendSms", "Format": "JSON", "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": uuid.uuid4().hex, "SignatureVersion": "1.0",
            "Timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": "2017-05-25",
            "PhoneNumbers": phone, "SignName": self.sign_name, "TemplateCode": code,
            "TemplateParam": json.dumps({k: str(v) for k, v in params.items()}, ensure_ascii=False,
                                        separators=(",", ":")),
        }
        fields["Signature"] = signature(fields, self.secret)
        return fields

    def send(self, phone: str, template: str, params: dict, text: str) -> str:
        body = urllib.parse.urlencode(self.request(phone, template, params), quote_via=urllib.parse.quote).encode()
        call = urllib.request.Request(self.endpoint, data=body, method="POST",
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(call, timeout=self.timeout) as answer:  # noqa: S310 — a configured https URL
                raw = answer.read()
        except urllib.error.HTTPError as error:  # the provider answers errors with a JSON body too
            raw = error.read()
            if error.code >= 500 or not raw:
                raise Transient(f"HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise Transient(f"no answer: {getattr(error, 'reason', error)}") from None
        try:
            found = json.loads(raw)
        except ValueError:
            raise Transient(f"not JSON: {raw[:80]!r}") from None
        code = str(found.get("Code", ""))
        if code == "OK":
            return str(found.get("BizId", ""))
        why = f"{code}: {found.get('Message', '')}"
        raise Permanent(why) if code in PERMANENT else Transient(why)
