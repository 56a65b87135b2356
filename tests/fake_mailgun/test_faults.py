"""Fault rules are checked when they are added: none can turn a send into an answer the server cannot give."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fake_mailgun import DEFAULT_DOMAIN

SEND = f"/v3/{DEFAULT_DOMAIN}/messages"


def _send(api: httpx.Client, address: str) -> httpx.Response:
    return api.post(SEND, data={"from": "a@example.test", "to": address, "subject": "s", "text": "t"})


@pytest.mark.usefixtures("clean_faults")
@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"target": "api", "status": 499}, "status 499 is not a standard HTTP status"),
        ({"target": "api", "status": 200}, "400-599"),
        ({"target": "api", "status": 600, "message": "nope"}, "400-599"),
        ({"target": "smtp", "status": 250}, "SMTP error code"),
        ({"target": "delivery", "status": 399}, "SMTP error code"),
        ({"target": "delivery", "latency_ms": 5}, "needs an SMTP status"),
        ({"target": "smtp", "status": 550, "message": "two\r\nlines"}, "one line"),
        ({"status": 429, "retry_after": 10**12}, "retry_after"),
    ],
)
def test_an_unanswerable_fault_rule_is_refused_naming_the_problem(
    control: httpx.Client, spec: dict[str, Any], problem: str
) -> None:
    refused = control.post("/__harness/faults", json=spec)
    assert refused.status_code == 400
    body = refused.json()
    # A body outside the rule's schema is invalid_request; a rule the fake cannot apply, invalid_fault
    # (the control API's contract for fault rules).
    assert body["error"] == ("invalid_request" if problem == "retry_after" else "invalid_fault")
    assert problem in body["message"]
    assert control.get("/__harness/faults").json() == {"items": []}


@pytest.mark.usefixtures("clean_faults")
def test_a_non_standard_status_with_a_message_is_answered(
    api: httpx.Client, control: httpx.Client, address: str
) -> None:
    control.post(
        "/__harness/faults", json={"status": 420, "message": "Enhance your calm", "count": 1}
    ).raise_for_status()
    refused = _send(api, address)
    assert (refused.status_code, refused.json()) == (420, {"message": "Enhance your calm"})
    assert _send(api, address).status_code == 200


@pytest.mark.usefixtures("clean_faults")
@pytest.mark.parametrize("status", [*range(400, 419), *range(421, 432), 451, *range(500, 512)])
def test_every_accepted_api_fault_status_is_answered_never_a_bare_500(
    api: httpx.Client, control: httpx.Client, address: str, status: int
) -> None:
    added = control.post("/__harness/faults", json={"status": status, "count": 1})
    if added.status_code == 400:  # a status HTTP does not name is refused without a message
        assert "not a standard HTTP status" in added.json()["message"]
        return
    assert added.status_code == 201, added.text
    refused = _send(api, address)
    assert refused.status_code == status
    assert _send(api, address).status_code == 200  # the connection and the fake carry on
