"""Webhooks: per-domain targets (the v3 webhooks API and ``--webhook``) and signed deliveries.

Payload and signature as Mailgun sends them (``user_manual.rst``, "Securing Webhooks"):
``{"signature": {"timestamp", "token", "signature"}, "event-data": {...}}`` where signature is the hex
HMAC-SHA256 of ``timestamp + token`` under the signing key.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import threading
from typing import Any

import httpx

from ._errors import bad_request, not_found

WEBHOOK_IDS = (
    "accepted",
    "delivered",
    "opened",
    "clicked",
    "unsubscribed",
    "complained",
    "permanent_fail",
    "temporary_fail",
)


def webhook_id_of(event: dict[str, Any]) -> str:
    if event["event"] == "failed":
        return "permanent_fail" if event.get("severity") == "permanent" else "temporary_fail"
    return str(event["event"])


def sign(key: str, timestamp: str, token: str) -> str:
    return hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


class Webhooks:
    def __init__(self, signing_key: str, configured: tuple[str, ...]) -> None:
        self.signing_key = signing_key
        self._lock = threading.Lock()
        self._configured = configured
        self._targets: dict[tuple[str, str], list[str]] = {}
        self.deliveries: list[dict[str, Any]] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def _global_urls(self, webhook_id: str) -> list[str]:
        urls = []
        for spec in self._configured:
            event, sep, url = spec.partition("=")
            if not sep:
                urls.append(spec)
            elif event == webhook_id:
                urls.append(url)
        return urls

    # --- the v3 webhooks API --------------------------------------------------------------------------
    def all(self, domain: str) -> dict[str, Any]:
        with self._lock:
            return {wid: {"urls": list(urls)} for (d, wid), urls in self._targets.items() if d == domain}

    def get(self, domain: str, webhook_id: str) -> list[str]:
        with self._lock:
            urls = self._targets.get((domain, webhook_id))
        if urls is None:
            raise not_found("Webhook not found")
        return list(urls)

    def put(self, domain: str, webhook_id: str, urls: list[str], *, create: bool) -> list[str]:
        if webhook_id not in WEBHOOK_IDS:
            raise bad_request(f"Invalid webhook name: {webhook_id}")
        if not urls:
            raise bad_request("url: Missing mandatory parameter")
        if len(urls) > 3:
            raise bad_request("Too many URLs, max is 3")
        with self._lock:
            if create and (domain, webhook_id) in self._targets:
                raise bad_request("Webhook already exists")
            if not create and (domain, webhook_id) not in self._targets:
                raise not_found("Webhook not found")
            self._targets[(domain, webhook_id)] = list(urls)
        return urls

    def delete(self, domain: str, webhook_id: str) -> list[str]:
        with self._lock:
            urls = self._targets.pop((domain, webhook_id), None)
        if urls is None:
            raise not_found("Webhook not found")
        return urls

    def reset(self) -> None:
        with self._lock:
            self._targets.clear()
            self.deliveries.clear()

    # --- delivery -----------------------------------------------------------------------------------
    def targets_for(self, domain: str | None, event: dict[str, Any]) -> list[str]:
        webhook_id = webhook_id_of(event)
        with self._lock:
            urls = list(self._targets.get((domain or "", webhook_id), []))
        return urls + self._global_urls(webhook_id)

    def payload(self, event: dict[str, Any], now: float) -> dict[str, Any]:
        timestamp, token = str(int(now)), secrets.token_hex(25)
        return {
            "signature": {
                "timestamp": timestamp,
                "token": token,
                "signature": sign(self.signing_key, timestamp, token),
            },
            "event-data": event,
        }

    def dispatch(self, domain: str | None, event: dict[str, Any], now: float) -> None:
        """Post ``event`` to its targets in the background (called on the server's event loop)."""
        for url in self.targets_for(domain, event):
            task = asyncio.get_running_loop().create_task(self._post(url, self.payload(event, now)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _post(self, url: str, payload: dict[str, Any]) -> None:
        record: dict[str, Any] = {"url": url, "event": payload["event-data"]["event"], "status": None}
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(url, json=payload)
            record["status"] = response.status_code
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a bad target URL is its own error type
            record["error"] = f"{type(exc).__name__}: {exc}"
        with self._lock:
            self.deliveries.append(record)
