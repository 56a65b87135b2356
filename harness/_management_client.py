"""``client.management``: Logto's Management API through the harness client, sync and async from one
description (:mod:`._management_operations`, made methods by :class:`~._operations.Operation`)::

    users = client.management.users.list(search="%@example.test")
    user = client.management.users.create(primaryEmail="ada@example.test", password="a long passphrase")
    client.management.users.update(user["id"], name="Ada")
    client.management.patch("/api/sign-in-exp", {"signInMode": "SignIn"})  # any route, as it is

Every call carries the M2M app's ``client_credentials`` token (fetched once, cached, fetched again when it
expires); Logto's error answers raise :class:`~._errors.ManagementAPIError` (``status``, ``code``, ``data``).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from . import _management_operations as mops
from ._operations import AsyncAPI, Operation, Request, SyncAPI


class _Generic:
    get = Operation(mops.api_get)
    post = Operation(mops.api_post)
    put = Operation(mops.api_put)
    patch = Operation(mops.api_patch)
    delete = Operation(mops.api_delete)


class _UsersOperations:
    list = Operation(mops.list_users)
    get = Operation(mops.get_user)
    create = Operation(mops.create_user)
    update = Operation(mops.update_user)
    delete = Operation(mops.delete_user)
    custom_data = Operation(mops.get_custom_data)
    update_custom_data = Operation(mops.update_custom_data)
    roles = Operation(mops.list_user_roles)
    assign_roles = Operation(mops.assign_user_roles)


class _RolesOperations:
    list = Operation(mops.list_roles)
    create = Operation(mops.create_role)


class _OrganizationsOperations:
    list = Operation(mops.list_organizations)
    create = Operation(mops.create_organization)
    add_users = Operation(mops.add_organization_users)
    users = Operation(mops.list_organization_users)


class _SignInExpOperations:
    get = Operation(mops.get_sign_in_exp)
    update = Operation(mops.update_sign_in_exp)


class ManagementUsers(_UsersOperations, SyncAPI):
    """``/api/users`` (sync)."""


class AsyncManagementUsers(_UsersOperations, AsyncAPI):
    """``/api/users`` (async)."""


class ManagementRoles(_RolesOperations, SyncAPI):
    """``/api/roles`` (sync)."""


class AsyncManagementRoles(_RolesOperations, AsyncAPI):
    """``/api/roles`` (async)."""


class ManagementOrganizations(_OrganizationsOperations, SyncAPI):
    """``/api/organizations`` (sync)."""


class AsyncManagementOrganizations(_OrganizationsOperations, AsyncAPI):
    """``/api/organizations`` (async)."""


class ManagementSignInExp(_SignInExpOperations, SyncAPI):
    """``/api/sign-in-exp`` (sync)."""


class AsyncManagementSignInExp(_SignInExpOperations, AsyncAPI):
    """``/api/sign-in-exp`` (async)."""


class Management(_Generic, SyncAPI):
    """Logto's Management API (sync)."""

    def __init__(self, send: Callable[[Request[Any]], Any]) -> None:
        super().__init__(send)
        self.users = ManagementUsers(send)
        self.roles = ManagementRoles(send)
        self.organizations = ManagementOrganizations(send)
        self.sign_in_exp = ManagementSignInExp(send)


class AsyncManagement(_Generic, AsyncAPI):
    """Logto's Management API (async)."""

    def __init__(self, send: Callable[[Request[Any]], Coroutine[Any, Any, Any]]) -> None:
        super().__init__(send)
        self.users = AsyncManagementUsers(send)
        self.roles = AsyncManagementRoles(send)
        self.organizations = AsyncManagementOrganizations(send)
        self.sign_in_exp = AsyncManagementSignInExp(send)
