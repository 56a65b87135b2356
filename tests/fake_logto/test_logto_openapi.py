"""fake_logto's OpenAPI document: valid, complete, and true — a property-based fuzz run (schemathesis) over
every operation of a real fake_logto finds no 5xx and no answer that breaks its documented schema.

The fuzzed tenant is its own (the run resets it, moves its clock, deletes users), its Mailgun connector
pointed at the session's fake_mailgun. Experience API calls carry a live interaction's cookie, so the fuzz
reaches past ``session.interaction_not_found``; the events and hook-deliveries long-polls are asked with ``timeout=0``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from logto_support import WEB, tenant_dict
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fake_logto import Running, create_app, parse_config, paths
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_logto._routing import LogtoRoute
from fake_mailgun import Running as MailgunRunning

# Answers without a body besides 204 and the redirects (as in Logto): revocation's 200, Register's 201, …
BODILESS = {
    ("post", paths.REVOCATION, "200"),
    ("post", paths.EXPERIENCE_IDENTIFICATION, "201"),
    ("post", paths.MANAGEMENT_ROLE_USERS, "201"),  # role.user.ts, role.application.ts: status only
    ("post", paths.MANAGEMENT_ROLE_APPLICATIONS, "201"),
    ("put", paths.MANAGEMENT_APPLICATION_ROLES, "200"),  # applications/application-role.ts
}


@pytest.fixture(scope="module")
def fuzzed(mailgun: MailgunRunning) -> Iterator[Running]:
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant_dict(mailgun.url))) as running:
        yield running


@pytest.fixture(scope="module")
def document(fuzzed: Running) -> dict[str, Any]:
    response = httpx.get(f"{fuzzed.endpoint}/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)


def test_the_document_describes_every_route(document: dict[str, Any]) -> None:
    app = create_app()
    served = {
        (method.lower(), route.path)
        for route in [*app.routes, *app.control_app().routes]
        if isinstance(route, (APIRoute, LogtoRoute))
        for method in route.methods
    }
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert served == documented
    for (method, path), operation in ((k, document["paths"][k[1]][k[0]]) for k in sorted(documented)):
        answers = operation["responses"]
        assert any(status < "400" for status in answers), f"{method} {path}: no success answer"
        for status, answer in answers.items():
            if status not in ("204", "302", "303") and (method, path, status) not in BODILESS:
                assert answer.get("content"), f"{method} {path} {status}: no body schema"


def test_errors_are_documented_in_each_surfaces_shape(document: dict[str, Any]) -> None:
    def error_schemas(prefix: str) -> set[str]:
        return {
            content["schema"].get("$ref", "").rpartition("/")[2]
            for path, item in document["paths"].items()
            if path.startswith(prefix)
            for operation in item.values()
            for status, answer in operation["responses"].items()
            if status >= "400"
            for media, content in answer.get("content", {}).items()
            if media == "application/json"
        }

    assert error_schemas("/oidc") == {"OAuthError"}
    assert error_schemas("/api") == {"LogtoError"}
    assert error_schemas(paths.CONTROL) == {"ErrorBody"}
    assert document["components"]["schemas"]["ErrorBody"]["required"] == ["error", "message"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


@pytest.fixture
def interaction(fuzzed: Running) -> str:
    """A live interaction of the fuzzed tenant, started as SignIn (its ``_interaction`` cookie value)."""
    query = {
        "client_id": WEB["id"],
        "redirect_uri": WEB["redirect"],
        "response_type": "code",
        "scope": "openid",
    }
    with httpx.Client(base_url=fuzzed.endpoint) as browser:
        assert browser.get(f"{paths.AUTH}?{urlencode(query)}").status_code == 303
        assert browser.put(paths.EXPERIENCE, json={"interactionEvent": "SignIn"}).status_code == 204
        return browser.cookies[paths.INTERACTION_COOKIE]


def no_server_error(_ctx: Any, response: Any, case: Any) -> bool | None:
    """No 5xx — but Logto's own 501 ``connector.not_found`` (a code for a phone: no SMS connector)."""
    if response.status_code == 501 and case.path == paths.EXPERIENCE_CODE_SEND:
        assert response.json()["code"] == "connector.not_found"
        return True
    assert response.status_code < 500, f"{case.method} {case.path} answered {response.status_code}"
    return True


# The operations, from the document of an app built in-process (the served one is the same: see above).
OPERATIONS = [
    result.ok() for result in schemathesis.openapi.from_dict(create_app().openapi()).get_all_operations()
]
CHECKS = [
    no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _cases(operation: Any) -> st.SearchStrategy[Any]:
    """Valid requests and, where there is anything to break, invalid ones."""
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    if (
        operation.path_parameters
        or operation.query
        or operation.body
        or operation.headers
        or operation.cookies
    ):
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(strategies)


def test_the_served_document_is_the_fuzzed_one(document: dict[str, Any]) -> None:
    assert document == create_app().openapi()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_every_operation_answers_as_documented(operation: Any, fuzzed: Running, interaction: str) -> None:
    # Bounded and seeded: the same 20 cases per operation every run (~15 s for all, on 2 cores).
    @settings(
        max_examples=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation))
    def answers_as_documented(case: Any) -> None:
        if case.path in (paths.EVENTS_WAIT, paths.HOOK_DELIVERIES_WAIT):
            case.query = {**(case.query or {}), "timeout": 0}
        if case.path.startswith(paths.EXPERIENCE):
            case.cookies = {**(case.cookies or {}), paths.INTERACTION_COOKIE: interaction}
        case.call_and_validate(base_url=fuzzed.endpoint, checks=CHECKS)

    answers_as_documented()
