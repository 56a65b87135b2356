"""Sends Mailgun refuses for their headers: a 400 in Mailgun's words, never a 500, and the connection lives."""

from __future__ import annotations

import httpx
import pytest

from fake_mailgun import DEFAULT_DOMAIN

SEND = f"/v3/{DEFAULT_DOMAIN}/messages"


def _send(api: httpx.Client, address: str, header: str) -> httpx.Response:
    data = {"from": "a@example.test", "to": address, "subject": "s", "text": "t", f"h:{header}": "v"}
    return api.post(SEND, data=data)


def test_a_non_ascii_header_name_is_mailguns_400_and_the_connection_keeps_serving(
    api: httpx.Client, control: httpx.Client, address: str
) -> None:
    refused = _send(api, address, "X-Tëst")
    assert refused.status_code == 400
    assert refused.json() == {"message": "Header name must be pure ASCII: X-Tëst"}
    # The same keep-alive connection answers the next request (a crash used to reset it).
    accepted = _send(api, address, "X-Test")
    assert accepted.status_code == 200, accepted.text
    assert control.get("/__harness/messages", params={"to": address}).json()["total"] == 1


@pytest.mark.parametrize("header", ["", "X Y", "X:Y", "X\x01Y"])
def test_a_header_name_mime_cannot_carry_is_a_400(api: httpx.Client, address: str, header: str) -> None:
    refused = _send(api, address, header)
    assert refused.status_code == 400
    assert refused.json()["message"].startswith("Invalid header name")
    assert api.get("/v3/domains").status_code == 200
