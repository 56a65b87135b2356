"""SMS connectors: how a phone verification code leaves the tenant, over real HTTP, exactly as Logto's
own connector packages send it.

- :class:`TwilioSmsConnector` is ``@logto/connector-twilio-sms``
  (``packages/connectors/connector-twilio-sms/src/index.ts``, ``constant.ts``, ``types.ts``):
  ``POST {origin}/2010-04-01/Accounts/{accountSID}/Messages.json``, Basic ``accountSID:authToken``, an
  urlencoded form ``To`` (a ``+`` put before a number without one), ``MessagingServiceSid``, ``Body`` (the
  template for the usage type, else the ``Generic`` one — connector-kit's ``getConfigTemplateByType`` —
  with ``{{…}}`` replaced from the payload) and ``RiskCheck`` (``disable`` when ``disableRiskCheck``).
  The package calls ``https://api.twilio.com``; here the config may carry an ``endpoint`` (an origin, this
  fake's only addition) so a local Twilio stand-in (fake_mailgun's) receives it. A non-2xx answer is
  ``ConnectorError(General, rawBody)``.
- :class:`HttpSmsConnector` is ``@logto/connector-http-sms`` (``packages/connectors/connector-http-sms``):
  ``POST {endpoint}`` with JSON ``{to, type, payload}`` and the configured ``Authorization`` header.

Their configs, defaults and guards are :mod:`._sms_connector_config`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._connectors import ConnectorFailure, Delivery, _form_encode, substitute
from ._sms_connector_config import TWILIO_ORIGIN, TWILIO_PATH, USER_AGENT

if TYPE_CHECKING:
    import httpx


def _template(config: dict[str, Any], usage_type: str) -> dict[str, Any]:
    templates = config.get("templates") or []
    found = next((t for t in templates if t.get("usageType") == usage_type), None) or next(
        (t for t in templates if t.get("usageType") == "Generic"), None
    )
    if found is None:
        raise ConnectorFailure("template_not_found", f"Cannot find template for type: {usage_type}")
    return dict(found)


# ConnectorError keeps a text ``data`` as ``{message: data}`` (connector-kit ``types/error.ts``).
def _failure(exc: httpx.HTTPError) -> ConnectorFailure:
    # http-sms: ConnectorError(General, error.message); the Twilio package lets such an error through.
    return ConnectorFailure("general", str(exc), {"message": str(exc)})


def _refused(response: httpx.Response) -> ConnectorFailure:
    # ConnectorError(General, rawBody): the provider's answer, as text.
    return ConnectorFailure("general", f"answered {response.status_code}", {"message": response.text})


class _SmsSender:
    def __init__(
        self, config: dict[str, Any], client: httpx.AsyncClient | Callable[[], httpx.AsyncClient]
    ) -> None:
        """``client``: the HTTP client, or what gives it on first send (the tenant's, made on first use)."""
        self.config = config
        self._client = client

    @property
    def client(self) -> httpx.AsyncClient:
        return self._client() if callable(self._client) else self._client

    async def _post(self, url: str, headers: dict[str, str], body: bytes) -> httpx.Response:
        import httpx  # loaded by the client already: httpx stays out of the fake's start

        try:
            response = await self.client.post(url, headers=headers, content=body)
        except httpx.HTTPError as exc:
            raise _failure(exc) from exc
        if not response.is_success:
            raise _refused(response)
        return response


class TwilioSmsConnector(_SmsSender):
    def request(
        self, to: str, usage_type: str, payload: dict[str, Any]
    ) -> tuple[str, dict[str, str], bytes, str]:
        """URL, headers, body and the template's usage type of the request Logto's package sends."""
        config = self.config
        template = _template(config, usage_type)
        fields = [
            ("To", to if to.startswith("+") else f"+{to}"),
            ("MessagingServiceSid", config["fromMessagingServiceSID"]),
            ("Body", substitute(template["content"], payload)),
            ("RiskCheck", "disable" if config.get("disableRiskCheck") else "enable"),
        ]
        origin = str(config.get("endpoint") or TWILIO_ORIGIN).rstrip("/")
        url = origin + TWILIO_PATH.format(account_sid=config["accountSID"])
        token = base64.b64encode(f"{config['accountSID']}:{config['authToken']}".encode()).decode()
        headers = {
            "user-agent": USER_AGENT,
            "authorization": f"Basic {token}",
            "content-type": "application/x-www-form-urlencoded",
        }
        return url, headers, _form_encode(fields), template["usageType"]

    async def send(self, to: str, usage_type: str, payload: dict[str, Any]) -> Delivery:
        url, headers, body, key = self.request(to, usage_type, payload)
        response = await self._post(url, headers, body)
        try:
            sid = str(response.json().get("sid")) or None
        except (ValueError, AttributeError):
            sid = None
        return Delivery(
            to=to, usage_type=usage_type, template_key=key, status=response.status_code, message_id=sid
        )


class HttpSmsConnector(_SmsSender):
    def request(self, to: str, usage_type: str, payload: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
        headers = {"user-agent": USER_AGENT, "content-type": "application/json"}
        if self.config.get("authorization"):
            headers["authorization"] = self.config["authorization"]
        body = {"to": to, "type": usage_type, "payload": payload}
        return (
            self.config["endpoint"],
            headers,
            json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode(),
        )

    async def send(self, to: str, usage_type: str, payload: dict[str, Any]) -> Delivery:
        url, headers, body = self.request(to, usage_type, payload)
        response = await self._post(url, headers, body)
        return Delivery(to=to, usage_type=usage_type, template_key=usage_type, status=response.status_code)


def build_sms_connector(
    kind: str, config: dict[str, Any], client: httpx.AsyncClient | Callable[[], httpx.AsyncClient]
) -> TwilioSmsConnector | HttpSmsConnector:
    return TwilioSmsConnector(config, client) if kind == "twilio" else HttpSmsConnector(config, client)
