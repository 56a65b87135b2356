"""The client cannot drift: ``Client`` and ``AsyncClient`` (and each sub-API) expose the same operations with
the same signatures, sync on one and ``async def`` on the other; and every operation requests a route the
fake's OpenAPI document declares, at one of the fake's own path constants."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import pytest

import fake_logto
import fake_mailgun
from fake_logto import paths as logto_paths
from fake_mailgun import paths as mailgun_paths
from harness import AsyncClient, Client
from harness._client import (
    AsyncFaults,
    AsyncLogto,
    AsyncLogtoFaults,
    AsyncMailbox,
    AsyncUsers,
    Faults,
    Logto,
    LogtoFaults,
    Mailbox,
    Users,
    operations,
)
from harness._management_client import (
    AsyncManagement,
    AsyncManagementOrganizations,
    AsyncManagementRoles,
    AsyncManagementSignInExp,
    AsyncManagementUsers,
    Management,
    ManagementOrganizations,
    ManagementRoles,
    ManagementSignInExp,
    ManagementUsers,
)
from harness._operations import AsyncAPI, SyncAPI

# Methods whose async twin has another name, as in httpx.
RENAMED = {"aclose": "close"}
# Methods that return a context manager: ``with`` on the sync side, ``async with`` on the async one.
CONTEXT_MANAGERS = {"mailbox.expect_message"}
SUB_APIS = [
    (Mailbox, AsyncMailbox),
    (Logto, AsyncLogto),
    (Users, AsyncUsers),
    (Faults, AsyncFaults),
    (LogtoFaults, AsyncLogtoFaults),
    (Management, AsyncManagement),
    (ManagementUsers, AsyncManagementUsers),
    (ManagementRoles, AsyncManagementRoles),
    (ManagementOrganizations, AsyncManagementOrganizations),
    (ManagementSignInExp, AsyncManagementSignInExp),
]
# The Management API's calls of any route (``management.get(path)``…): the path is the caller's.
GENERIC = {"get", "post", "put", "patch", "delete"}


def surface(api: object, prefix: str = "") -> dict[str, Callable[..., Any]]:
    """Every public method of a client, by dotted name, sub-APIs included."""
    found: dict[str, Callable[..., Any]] = {}
    for name in dir(api):
        if name.startswith("_"):
            continue
        value = getattr(api, name)
        if isinstance(value, SyncAPI | AsyncAPI):
            found |= surface(value, f"{prefix}{name}.")
        elif callable(value):
            found[prefix + RENAMED.get(name, name)] = value
    return found


def parameters(method: Callable[..., Any]) -> list[inspect.Parameter]:
    return list(inspect.signature(method).parameters.values())


def test_client_and_async_client_expose_the_same_operations() -> None:
    sync_client = Client("http://127.0.0.1:9", "http://127.0.0.1:9")

    async def build() -> AsyncClient:  # an httpx.AsyncClient belongs to a running loop
        return AsyncClient("http://127.0.0.1:9", "http://127.0.0.1:9")

    async_client = asyncio.run(build())
    try:
        sync_ops, async_ops = surface(sync_client), surface(async_client)
        assert sorted(sync_ops) == sorted(async_ops)
        assert {"mailbox.expect_message", "mailbox.wait_for_code", "logto.codes", "faults.smtp"} <= set(
            sync_ops
        )
        for name, sync_method in sync_ops.items():
            async_method = async_ops[name]
            assert parameters(sync_method) == parameters(async_method), name
            assert not inspect.iscoroutinefunction(sync_method), name
            if name in CONTEXT_MANAGERS:
                assert not inspect.iscoroutinefunction(async_method), name
                assert hasattr(sync_method("a@example.test"), "__enter__"), name
                assert hasattr(async_method("a@example.test"), "__aenter__"), name
            else:
                assert inspect.iscoroutinefunction(async_method), name
    finally:
        sync_client.close()
        asyncio.run(async_client.aclose())


@pytest.mark.parametrize(("sync_api", "async_api"), SUB_APIS, ids=lambda api: api.__name__)
def test_each_sub_api_is_built_from_the_same_operations(
    sync_api: type[SyncAPI], async_api: type[AsyncAPI]
) -> None:
    sync_ops, async_ops = operations(sync_api), operations(async_api)
    assert sync_ops
    assert sync_ops == async_ops  # the very same Operation objects, not copies


SAMPLES: dict[str, Any] = {
    "message_id": "1",
    "to": "a@example.test",
    "user_id": "u-1",
    "seconds": 1,
    "status": 550,
    "fields": {},
    "organization_id": "o-1",
    "role_ids": ["r-1"],
    "user_ids": ["u-1"],
    "custom_data": {},
    "target": "google",
    "kind": "valid",
    "resource": "https://api.example.test",
}
FAKES = {
    "mailgun": (mailgun_paths, fake_mailgun.create_app),
    "logto": (logto_paths, fake_logto.create_app),
    "management": (logto_paths, fake_logto.create_app),
}


def test_every_operation_is_a_route_the_fake_declares() -> None:
    declared = {
        service: {
            (method.upper(), path)
            for path, methods in create_app().openapi()["paths"].items()
            for method in methods
        }
        for service, (_paths, create_app) in FAKES.items()
    }
    for sync_api, _async_api in SUB_APIS:
        for name, operation in operations(sync_api).items():
            if sync_api is Management and name in GENERIC:
                continue
            required = {
                p.name: SAMPLES[p.name]
                for p in inspect.signature(operation.build).parameters.values()
                if p.default is inspect.Parameter.empty and p.kind is not inspect.Parameter.VAR_KEYWORD
            }
            request = operation.build(**required)
            constants = FAKES[request.service][0]
            assert request.route in vars(constants).values(), f"{sync_api.__name__}.{name}: {request.route}"
            assert (request.method, request.route) in declared[request.service], f"{sync_api.__name__}.{name}"


def test_the_generic_management_calls_send_the_path_as_given() -> None:
    from harness._management_operations import api_delete, api_get, api_patch, api_post, api_put

    assert api_get("/api/users", {"page": 2}).params == {"page": 2}
    for build, method in ((api_post, "POST"), (api_put, "PUT"), (api_patch, "PATCH")):
        request = build("/api/hooks/{id}", {"a": 1})
        assert (request.service, request.method, request.path, request.json) == (
            "management",
            method,
            "/api/hooks/{id}",
            {"a": 1},
        )
    assert api_delete("/api/users/u-1").path == "/api/users/u-1"
