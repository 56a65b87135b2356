"""Email connectors: how a verification code leaves the tenant.

:class:`MailgunConnector` sends exactly the request Logto's ``@logto/connector-mailgun`` sends
(``packages/connectors/connector-mailgun/src/index.ts``; wire capture in
``shared/fixtures/logto-connector-mailgun-requests.jsonl``): ``POST {endpoint}/v3/{domain}/messages``,
Basic ``api:{apiKey}``, an urlencoded form in the order from, to, subject, h:Reply-To, then html (+ text)
or template + h:X-Mailgun-Variables. Pointed at ``https://api.mailgun.net`` it sends a real email.
:class:`SmtpConnector` follows ``@logto/connector-smtp``'s config (host, port, auth, fromEmail, templates).
A failure raises :class:`ConnectorFailure`, which the Experience API answers as ``connector.general``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, quote_plus, urlsplit

if TYPE_CHECKING:
    import httpx

MAILGUN_DEFAULT_ENDPOINT = "https://api.mailgun.net"
_PLACEHOLDER = re.compile(r"{{\s*([\w.]+)\s*}}")
# got's user agent: the fake sends what Logto sends, byte for byte.
_USER_AGENT = "got (https://github.com/sindresorhus/got)"


class ConnectorFailure(Exception):
    """The provider refused or could not be reached; ``data`` is what Logto puts in the error."""

    def __init__(self, code: str, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data or {}


@dataclass(frozen=True)
class Delivery:
    """One sent (or attempted) message, kept for the debug view and ``/__harness/codes``."""

    to: str
    usage_type: str
    template_key: str
    status: int | None
    message_id: str | None = None  # Mailgun's id of the accepted message
    inbox_url: str | None = None  # where a fake_mailgun inbox shows it (for the debug view)


class Connector(Protocol):
    async def send(self, to: str, usage_type: str, payload: dict[str, Any]) -> Delivery: ...


def substitute(text: str, payload: dict[str, Any]) -> str:
    """Logto's ``{{code}}`` / ``{{application.name}}`` replacement: a placeholder whose root key is not in
    the payload is left as it is."""

    def one(match: re.Match[str]) -> str:
        path = match.group(1).split(".")
        if path[0] not in payload:
            return match.group(0)
        value: Any = payload
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        return "" if value is None else str(value)

    return _PLACEHOLDER.sub(one, text)


def _form_encode(fields: list[tuple[str, str]]) -> bytes:
    # URLSearchParams (what got uses) leaves * unescaped and escapes ~; quote_plus does the opposite.
    def enc(value: str) -> str:
        return quote_plus(value, safe="*").replace("~", "%7E")

    return "&".join(f"{enc(k)}={enc(v)}" for k, v in fields).encode()


def _pick_delivery(deliveries: dict[str, Any], usage_type: str) -> tuple[str, dict[str, Any]]:
    key = usage_type if usage_type in deliveries else "Generic"
    if key not in deliveries:
        raise ConnectorFailure("template_not_found", f"no delivery for {usage_type} and no Generic delivery")
    delivery: dict[str, Any] = deliveries[key]
    return key, delivery


class MailgunConnector:
    def __init__(
        self, config: dict[str, Any], client: httpx.AsyncClient | Callable[[], httpx.AsyncClient]
    ) -> None:
        """``client``: the HTTP client, or what gives it on first send (the tenant's, made on first use)."""
        self.config = config
        self._client = client

    @property
    def client(self) -> httpx.AsyncClient:
        return self._client() if callable(self._client) else self._client

    def request(
        self, to: str, usage_type: str, payload: dict[str, Any]
    ) -> tuple[str, dict[str, str], bytes, str]:
        """URL, headers, body and the delivery key of the request Logto would send."""
        config = self.config
        key, delivery = _pick_delivery(config.get("deliveries", {}), usage_type)
        fields: list[tuple[str, str]] = [("from", config["from"]), ("to", to)]
        if delivery.get("subject") is not None:
            fields.append(("subject", substitute(delivery["subject"], payload)))
        if delivery.get("replyTo") is not None:
            fields.append(("h:Reply-To", delivery["replyTo"]))
        if "template" in delivery:
            fields.append(("template", delivery["template"]))
            variables = {**delivery.get("variables", {}), **payload}
            fields.append(
                ("h:X-Mailgun-Variables", json.dumps(variables, separators=(",", ":"), ensure_ascii=False))
            )
        else:
            fields.append(("html", substitute(delivery["html"], payload)))
            if delivery.get("text") is not None:
                fields.append(("text", substitute(delivery["text"], payload)))
        origin = urlsplit(config.get("endpoint") or MAILGUN_DEFAULT_ENDPOINT)
        url = f"{origin.scheme}://{origin.netloc}/v3/{config['domain']}/messages"
        token = base64.b64encode(f"api:{config['apiKey']}".encode()).decode()
        headers = {
            "user-agent": _USER_AGENT,
            "content-type": "application/x-www-form-urlencoded",
            "authorization": f"Basic {token}",
        }
        return url, headers, _form_encode(fields), key

    async def send(self, to: str, usage_type: str, payload: dict[str, Any]) -> Delivery:
        url, headers, body, key = self.request(to, usage_type, payload)
        import httpx  # loaded by the client already: httpx stays out of the fake's start

        from fakekit import kept_post

        try:
            response = await kept_post(self.client, url, headers, body)
        except httpx.HTTPError as exc:
            raise ConnectorFailure("general", f"Mailgun request failed: {exc}", {"error": str(exc)}) from exc
        if not 200 <= response.status_code < 300:
            raise ConnectorFailure(
                "general",
                f"Mailgun answered {response.status_code}",
                {"statusCode": response.status_code, "body": response.text},
            )
        try:
            message_id = str(response.json().get("id", "")).strip("<>") or None
        except ValueError:
            message_id = None
        origin = url.split("/v3/", 1)[0]
        inbox = f"{origin}/#/messages/{quote(message_id, safe='')}" if message_id else None
        return Delivery(
            to=to,
            usage_type=usage_type,
            template_key=key,
            status=response.status_code,
            message_id=message_id,
            inbox_url=inbox,
        )


class SmtpConnector:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def _message(self, to: str, usage_type: str, payload: dict[str, Any]) -> tuple[EmailMessage, str]:
        templates = {t["usageType"]: t for t in self.config.get("templates", [])}
        template = templates.get(usage_type) or templates.get("Generic")
        if template is None:
            raise ConnectorFailure("template_not_found", f"no template for {usage_type} and no Generic one")
        message = EmailMessage()
        message["From"] = self.config["fromEmail"]
        message["To"] = to
        message["Subject"] = substitute(template.get("subject", ""), payload)
        if self.config.get("replyTo"):
            message["Reply-To"] = self.config["replyTo"]
        content = substitute(template.get("content", ""), payload)
        subtype = "html" if template.get("contentType", "text/plain") == "text/html" else "plain"
        message.set_content(content, subtype=subtype)
        return message, template["usageType"]

    def _deliver(self, message: EmailMessage) -> None:
        config = self.config
        with smtplib.SMTP(config["host"], int(config["port"]), timeout=30) as smtp:
            auth = config.get("auth") or {}
            if auth.get("user"):
                smtp.login(auth["user"], auth.get("pass", ""))
            smtp.send_message(message)

    async def send(self, to: str, usage_type: str, payload: dict[str, Any]) -> Delivery:
        message, key = self._message(to, usage_type, payload)
        try:
            await asyncio.to_thread(self._deliver, message)
        except smtplib.SMTPResponseException as exc:
            detail = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise ConnectorFailure(
                "general", f"SMTP server answered {exc.smtp_code}", {"code": exc.smtp_code, "message": detail}
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise ConnectorFailure("general", f"SMTP delivery failed: {exc}", {"error": str(exc)}) from exc
        return Delivery(to=to, usage_type=usage_type, template_key=key, status=250)


def build_connector(
    kind: str, config: dict[str, Any], client: httpx.AsyncClient | Callable[[], httpx.AsyncClient]
) -> Connector:
    return MailgunConnector(config, client) if kind == "mailgun" else SmtpConnector(config)
