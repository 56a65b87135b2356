"""Properties (issue 19, "It must show" 3): no form field, header name or fault rule makes any route answer
5xx — bad input is a 4xx in Mailgun's shape; a 5xx only ever comes from a fault rule that asked for it.

Hypothesis drives the app in-process (``TestClient`` re-raises any exception a handler lets out, so a
crash fails the property even where it would have been rendered as a 500).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Settings, create_app, paths

AUTH = ("api", DEFAULT_API_KEY)
FIELDS = (
    "from", "to", "cc", "bcc", "subject", "text", "html", "amp-html", "template", "t:version", "t:text",
    "t:variables", "o:tag", "o:deliverytime", "o:testmode", "o:tracking", "recipient-variables",
    "h:X-Mailgun-Variables", "h:Reply-To", "v:id", "message",
)  # fmt: skip
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
values = st.one_of(
    text,
    st.sampled_from(["a@example.test", "Ann <a@example.test>", "{}", '{"a@example.test": {"x": 1}}', "yes",
                     "Fri, 14 Oct 2011 23:10:10 -0000", "1700000000", "%recipient.x%", "[1]", "nan"]),
)  # fmt: skip
field_names = st.one_of(
    st.sampled_from(FIELDS), st.builds(lambda p, n: p + n, st.sampled_from(["h:", "v:", "o:"]), text)
)
forms = st.lists(st.tuples(field_names, values), max_size=12)
LONG = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(port=0, smtp_port=-1, public_url="http://mg.test"))) as client:
        yield client


def _base_form() -> list[tuple[str, str]]:
    return [("from", "Shop <s@mg.example.test>"), ("to", "a@example.test"), ("text", "t")]


def _send(
    client: TestClient, method: str, url: str, form: list[tuple[str, str]] | None, multipart: bool = False
) -> Any:
    """``form`` urlencoded (repeated keys kept) or as multipart fields."""
    if form is None:
        return client.request(method, url, auth=AUTH)
    if multipart:
        files = [(k, (None, v.encode("utf-8", "surrogatepass"))) for k, v in form]
        return client.request(method, url, auth=AUTH, files=files)
    body = urlencode(form, encoding="utf-8", errors="surrogatepass")
    return client.request(
        method, url, auth=AUTH, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )


@LONG
@given(form=forms, base=st.booleans(), multipart=st.booleans())
def test_no_form_makes_a_send_answer_5xx(
    client: TestClient, form: list[tuple[str, str]], base: bool, multipart: bool
) -> None:
    data = (_base_form() if base else []) + form
    for path in (paths.MESSAGES, paths.MESSAGES_MIME):
        url = path.format(domain=DEFAULT_DOMAIN)
        answer = _send(client, "POST", url, data, multipart)
        assert answer.status_code < 500, (answer.status_code, answer.text)
        if answer.status_code != 200:
            assert "message" in answer.json() or answer.headers["content-type"].startswith("text/plain")


@LONG
@given(name=text, value=text)
def test_no_header_name_makes_a_send_answer_5xx(client: TestClient, name: str, value: str) -> None:
    form = [*_base_form(), (f"h:{name}", value)]
    answer = _send(client, "POST", paths.MESSAGES.format(domain=DEFAULT_DOMAIN), form)
    assert answer.status_code in (200, 400), (answer.status_code, answer.text)


fault_specs = st.fixed_dictionaries(
    {},
    optional={
        "target": st.one_of(st.sampled_from(["api", "smtp", "delivery"]), text),
        "status": st.one_of(
            st.integers(-1000, 1000), st.sampled_from([420, 429, 500, 503, 550]), text, st.none()
        ),
        "count": st.one_of(st.integers(-2, 3), st.none()),
        "rate": st.one_of(st.floats(allow_nan=True), st.none()),
        "latency_ms": st.integers(-5, 3),
        "retry_after": st.integers(-5, 10**13),
        "message": st.one_of(text, st.none()),
        "limit": st.one_of(st.sampled_from(["request", "recipient", "bytes"]), text, st.none()),
        "seed": st.one_of(st.integers(-(2**70), 2**70), st.none()),
    },
)
ROUTES = [
    ("POST", paths.MESSAGES, True),
    ("POST", paths.MESSAGES_MIME, True),
    ("POST", paths.STORED_MESSAGE.replace("{key}", "nokey"), False),
    ("GET", paths.EVENTS, False),
    ("GET", paths.TEMPLATES, False),
    ("GET", paths.DOMAINS_V4, False),
    ("GET", paths.WEBHOOKS, False),
]


@LONG
@given(spec=fault_specs)
def test_no_fault_rule_makes_a_route_answer_5xx_it_did_not_ask_for(
    client: TestClient, spec: dict[str, Any]
) -> None:
    client.delete(paths.FAULTS)
    added = client.post(
        paths.FAULTS, content=json.dumps(spec, allow_nan=True), headers={"content-type": "application/json"}
    )
    assert added.status_code in (201, 400), (added.status_code, added.text)
    asked = spec.get("status") if added.status_code == 201 and spec.get("target", "api") == "api" else None
    for method, path, sends in ROUTES:
        data = [*_base_form(), ("message", "Subject: x\r\n\r\nbody")] if method == "POST" else None
        answer = _send(client, method, path.format(domain=DEFAULT_DOMAIN), data)
        if answer.status_code >= 500:
            assert sends, (path, answer.status_code, answer.text)
            assert answer.status_code == asked, (path, answer.status_code, answer.text)
    client.delete(paths.FAULTS)
