"""The debug view's events: every hop of a flow, as JSON and live (server-side wait)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from logto_support import WEB, auth_url

from fake_logto import Running
from harness._experience import ExperienceClient, ExperienceError, callback_params


def _events(logto: Running, **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = httpx.get(f"{logto.url}/__harness/events", params=params).json()["items"]
    return items


def test_a_whole_flow_is_recorded(logto: Running, email: str, read_code: Callable[[str], str]) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        browser.start(auth_url(logto))
        browser.set_event("Register")
        verification = browser.send_code(email, "Register")
        with pytest.raises(ExperienceError):
            browser.verify_code(email, verification, "000000" if read_code(email) != "000000" else "111111")
        code = httpx.get(f"{logto.url}/__harness/codes", params={"to": email}).json()["items"][0]["code"]
        browser.verify_code(email, verification, code)
        browser.identify(verification)
        redirect_to = browser.submit()
        assert redirect_to is not None
        callback = callback_params(browser.finish(redirect_to))
        tokens = httpx.post(
            f"{logto.endpoint}/oidc/token",
            data={
                "grant_type": "authorization_code",
                "code": callback["code"],
                "redirect_uri": WEB["redirect"],
            },
            auth=(WEB["id"], WEB["secret"]),
        ).json()
        httpx.post(
            f"{logto.endpoint}/oidc/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=(WEB["id"], WEB["secret"]),
        ).raise_for_status()
        end = browser.http.get(f"{logto.endpoint}/oidc/session/end", params={"client_id": WEB["id"]})
        xsrf = end.text.split('name="xsrf" value="')[1].split('"')[0]
        browser.http.post(f"{logto.endpoint}/oidc/session/end/confirm", data={"xsrf": xsrf})

    events = _events(logto, email=email)
    flows = {e["flow"] for e in events if e["kind"] == "authorization_request"}
    assert len(flows) == 1
    kinds = [e["kind"] for e in events]
    for kind in ("authorization_request", "interaction", "code_sent", "error", "authorization_code_issued",
                 "tokens_issued", "refresh", "sign_out"):  # fmt: skip
        assert kind in kinds, (kind, kinds)
    request = next(e for e in events if e["kind"] == "authorization_request")["data"]
    assert request["redirect_uri"] == WEB["redirect"]
    assert "openid" in request["scopes"]
    sent = next(e for e in events if e["kind"] == "code_sent")["data"]
    assert (sent["usage_type"], sent["delivery_status"]) == ("Register", 200)
    message_path = sent["inbox_url"].split("#/messages/")[1]
    mailgun_origin = sent["inbox_url"].split("/#/")[0]
    assert httpx.get(f"{mailgun_origin}/__harness/messages/{message_path}").json()["to"] == [email]
    error = next(e for e in events if e["kind"] == "error")["data"]
    assert error["error"] == "verification_code.code_mismatch"
    issued = next(e for e in events if e["kind"] == "tokens_issued")["data"]
    assert issued["id_token"]["header"]["alg"] == "ES384"
    assert issued["id_token"]["claims"]["email"] == email
    assert issued["access_token"].startswith("opaque")
    steps = [e["data"]["step"] for e in events if e["kind"] == "interaction"]
    assert steps == ["start", "send code", "verify code", "identify", "submit"]
    assert _events(logto, client_id="no-such-client") == []


def test_wait_wakes_on_a_new_event(logto: Running) -> None:
    last = max((e["id"] for e in _events(logto)), default=0)
    got: list[dict[str, Any]] = []
    ready = threading.Event()

    def wait() -> None:
        ready.set()
        got.extend(
            httpx.get(
                f"{logto.url}/__harness/events/wait", params={"after": last, "timeout": 10}, timeout=20
            ).json()["items"]
        )

    thread = threading.Thread(target=wait)
    thread.start()
    ready.wait(5)
    httpx.get(auth_url(logto, client_id="nobody"))  # an error event
    thread.join(20)
    assert got
    assert got[0]["id"] > last


def test_debug_page_renders(logto: Running) -> None:
    page = httpx.get(f"{logto.url}/__harness/")
    assert page.status_code == 200
    assert "<h1>Auth flows</h1>" in page.text
    assert "/__harness/events/wait" in page.text
