"""Webhooks: per-domain targets (the v3 webhooks API and ``--webhook``) and signed deliveries.

Payload and signature as Mailgun sends them (``user_manual.rst``, "Securing Webhooks"):
``{"signature": {"timestamp", "token", "signature"}, "event-data": {...}}`` where signature is the hex
HMAC-SHA256 of ``timestamp + token`` under the signing key.

Retries (``user_manual.rst``, "Webhooks"): an answer of 200 (any 2xx here) is success, 406 is a refusal
that is never retried; anything else — another status, or no answer — is retried after 10 min, 10 min,
15 min, 30 min, 1 h, 2 h and 4 h, then given up; ``delivered`` webhooks are not retried. The retries are
jobs on the instance clock (:mod:`._clock`), so a test advances the clock instead of waiting hours; each
attempt is signed afresh with the time it is made.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import importlib
import secrets
import sys
import threading
from collections.abc import Coroutine
from typing import Any

from ._clock import Clock
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
RETRY_DELAYS = (600.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0)  # seconds after the previous attempt
NOT_RETRIED = ("delivered",)


def webhook_id_of(event: dict[str, Any]) -> str:
    if event["event"] == "failed":
        return "permanent_fail" if event.get("severity") == "permanent" else "temporary_fail"
    return str(event["event"])


def sign(key: str, timestamp: str, token: str) -> str:
    return hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


class Webhooks:
    def __init__(self, signing_key: str, configured: tuple[str, ...], clock: Clock) -> None:
        self.signing_key = signing_key
        self.clock = clock
        self._lock = threading.Lock()
        self._configured = configured
        self._targets: dict[tuple[str, str], list[str]] = {}
        self.deliveries: list[dict[str, Any]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._last: dict[str, asyncio.Task[None]] = {}  # the newest post to each target URL

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

    def associate(self, domain: str, url: str, webhook_ids: list[str], *, only: bool) -> dict[str, Any]:
        """v4: add ``url`` to each of ``webhook_ids`` (``only``: and remove it from every other)."""
        if not url:
            raise bad_request("url: Missing mandatory parameter")
        if not webhook_ids:
            raise bad_request("event_types: Missing mandatory parameter")
        for webhook_id in webhook_ids:
            if webhook_id not in WEBHOOK_IDS:
                raise bad_request(f"Invalid webhook name: {webhook_id}")
        with self._lock:
            for webhook_id in webhook_ids:
                urls = self._targets.get((domain, webhook_id), [])
                if url not in urls and len(urls) >= 3:
                    raise bad_request("Too many URLs, max is 3")
            if only:
                self._remove(domain, [url])
            for webhook_id in webhook_ids:
                urls = self._targets.setdefault((domain, webhook_id), [])
                if url not in urls:
                    urls.append(url)
        return self.all(domain)

    def dissociate(self, domain: str, urls: list[str]) -> dict[str, Any]:
        """v4: remove ``urls`` from every webhook of ``domain``."""
        if not urls:
            raise bad_request("url: Missing mandatory parameter")
        with self._lock:
            self._remove(domain, urls)
        return self.all(domain)

    def _remove(self, domain: str, urls: list[str]) -> None:
        """Call under the lock; a webhook left without URLs is gone."""
        for key in [k for k in self._targets if k[0] == domain]:
            kept = [u for u in self._targets[key] if u not in urls]
            if kept:
                self._targets[key] = kept
            else:
                del self._targets[key]

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
            self._spawn(url, self._attempt(url, event, now, 1))

    def _spawn(self, url: str, attempt: Coroutine[Any, Any, None]) -> None:
        """Run ``attempt`` once the post before it to ``url`` is answered: one target gets its events in
        the order they happened (``accepted`` before ``delivered``), as a test reading them expects."""
        previous = self._last.get(url)

        async def in_turn() -> None:
            if previous is not None:
                await asyncio.wait([previous])
            await attempt

        task = asyncio.get_running_loop().create_task(in_turn())
        self._last[url] = task
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        for url in [u for u, t in self._last.items() if t is task]:
            del self._last[url]

    async def settle(self) -> None:
        """Wait for the posts under way to be answered (and their retries scheduled)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _attempt(self, url: str, event: dict[str, Any], at: float, attempt: int) -> None:
        record: dict[str, Any] = {"url": url, "event": event["event"], "status": None, "attempt": attempt}
        if "httpx" not in sys.modules:  # loaded by the first post, off the event loop: not at start
            await asyncio.to_thread(importlib.import_module, "httpx")
        import httpx

        try:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(url, json=self.payload(event, at))
            record["status"] = response.status_code
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a bad target URL is its own error type
            record["error"] = f"{type(exc).__name__}: {exc}"
        status = record["status"]
        accepted = status is not None and (200 <= status < 300 or status == 406)
        if not accepted and event["event"] not in NOT_RETRIED and attempt <= len(RETRY_DELAYS):
            retry_at = at + RETRY_DELAYS[attempt - 1]
            record["retry_at"] = retry_at

            async def retry(when: float) -> None:
                await self._attempt(url, event, when, attempt + 1)

            self.clock.at(retry_at, retry, kind="webhook-retry")
        with self._lock:
            self.deliveries.append(record)
