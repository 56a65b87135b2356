"""fake_mailgun's OpenAPI document: valid (an OpenAPI validator accepts it) and true (a property-based fuzz
run over every operation, against a real server, finds no 5xx and no answer its schema does not describe)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fake_mailgun import (
    DEFAULT_API_KEY,
    DEFAULT_DOMAIN,
    Running,
    Settings,
    create_app,
    paths,
    serve_in_thread,
)

DOCUMENT = create_app(Settings()).openapi()
# The fuzzing phase only (the coverage phase's boundary cases would take minutes), seeded.
CONFIG = schemathesis.Config.from_dict(
    {"seed": 12, "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}}}
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_document_is_valid_openapi() -> None:
    validate(DOCUMENT)  # type: ignore[arg-type]


def test_every_path_parameter_is_declared() -> None:
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            used = {part[1:-1] for part in path.split("/") if part.startswith("{")}
            assert declared == used, f"{method.upper()} {path}"


def test_every_operation_documents_its_success_and_error_bodies() -> None:
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            success = next(code for code in responses if code.startswith("2"))
            assert responses[success]["content"], f"{method.upper()} {path}: no success body"
            assert "4XX" in responses, f"{method.upper()} {path}: no error body"


def test_the_message_schema_has_every_field_the_readme_lists() -> None:
    fields = set(DOCUMENT["components"]["schemas"]["Message"]["properties"])
    readme = "id message_id from to cc bcc subject text html headers source received_at codes code links"
    assert set(f"{readme} template variables tags attachments status".split()) <= fields


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    with serve_in_thread(Settings(port=0, smtp_port=-1)) as running:
        yield running


@pytest.fixture(scope="module")
def seeded(server: Running) -> Running:
    """A message with an attachment, a template with a version and a webhook, so reads find something."""
    with httpx.Client(base_url=server.url, auth=("api", DEFAULT_API_KEY), timeout=10) as api:
        sent = api.post(
            paths.MESSAGES.format(domain=DEFAULT_DOMAIN),
            data={"from": "a@example.test", "to": "b@example.test", "subject": "s", "text": "code 123456"},
            files={"attachment": ("a.txt", b"hello", "text/plain")},
        )
        sent.raise_for_status()
        api.post(
            paths.TEMPLATES.format(domain=DEFAULT_DOMAIN),
            data={"name": "welcome", "template": "<p>{{name}}</p>", "tag": "v1"},
        ).raise_for_status()
    return server


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_no_operation_answers_a_5xx_or_a_body_its_schema_does_not_describe(
    case: schemathesis.Case, seeded: Running
) -> None:
    if case.path_parameters and "domain" in case.path_parameters:
        case.path_parameters["domain"] = DEFAULT_DOMAIN  # another domain is a plain 404
    if case.path == paths.MAILBOX_WAIT:
        case.query = {**(case.query or {}), "timeout": 0.001}  # the long poll answers at once
    extra: dict[str, Any] = {}
    if not case.path.startswith(paths.CONTROL):
        extra["auth"] = ("api", DEFAULT_API_KEY)
    try:
        case.call_and_validate(base_url=seeded.url, checks=CHECKS, timeout=10, **extra)
    finally:
        # Fault rules, webhooks and resets the fuzzer made must not leak into the next case.
        httpx.delete(f"{seeded.url}{paths.FAULTS}", timeout=10).raise_for_status()
