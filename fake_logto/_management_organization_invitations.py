"""The Management API's organization invitations: ``/api/organization-invitations``, as Logto's
``packages/core/src/routes/organization-invitation/index.ts`` (a ``SchemaRouter`` with its own ``GET /``,
``POST /``, ``PUT /:id/status`` and ``POST /:id/message``), ``libraries/organization-invitation.ts``
(``insert``, ``updateStatus``, the template context, ``sendEmail``) and the ``OrganizationInvitationsQueries``
of ``queries/organization/index.ts``; refused as the organization router's ``errorHandler``
(``routes/organization/utils.ts``) and ``koa-slonik-error-handler.ts`` refuse. The rows are the
organization's (:class:`._organization_registry.StoredInvitation`).

An invitation is ``organizationInvitationEntityGuard``: the row (``tenantId, id, inviterId, invitee,
acceptedUserId, organizationId, status, createdAt, updatedAt, expiresAt``) with its ``organizationRoles``
(``{id, name}`` by name); a ``Pending`` one past ``expiresAt`` (the tenant clock) reads ``Expired``.

- ``GET /organization-invitations``: every invitation, newest first (``order by createdAt desc``), never
  paged; ``organizationId``, ``inviterId`` filter exactly, ``invitee`` case-insensitively (an empty value
  filters nothing).
- ``POST`` ``{invitee (an email), organizationId, expiresAt, inviterId?, organizationRoleIds?,
  messagePayload?}`` → 201 ``Pending``: ``expiresAt`` not in the future → 400 ``request.invalid_input``; the
  invitee's email is a member's primary email → 422 ``request.invalid_input``; another ``Pending`` invitation
  of the same invitee (as written) there → 422 ``entity.unique_integrity_violation`` (the earlier ones past
  their date are marked ``Expired`` first); an unknown organization, inviter or role → 422
  ``entity.relation_foreign_key_not_found``. With a ``messagePayload`` the email goes out through the email
  connector with the ``OrganizationInvitation`` template and ``{organization: {id, name, branding},
  inviter?: {id, avatar, name, primaryEmail, primaryPhone, username, profile}, ...messagePayload}``; no
  email connector → 501 ``connector.not_found``, the per-recipient cap → 429
  ``request.message_rate_limited`` (:func:`._codes.send_message`), and the invitation is not kept (Logto's
  transaction rolls back).
- ``GET``/``DELETE /organization-invitations/:id``: unknown → 404 ``entity.not_found``; ``DELETE`` 204.
- ``PUT /:id/status`` ``{status: Accepted | Revoked, acceptedUserId?}`` → 200 with the invitation (its
  ``status``, ``acceptedUserId``, ``updatedAt`` set): ``Accepted`` without ``acceptedUserId`` → 422
  ``request.invalid_input``; unknown invitation or user → 404 ``entity.not_found``; an invitation already
  ``Accepted``, ``Revoked`` or ``Expired`` → 422 ``request.invalid_input``; a user whose primary email is
  not the invitee's (case-insensitively) → 422 ``request.invalid_input``. Accepting makes the user a member
  with the invitation's roles (kept once) and appends ``Organization.Membership.Updated`` with
  ``addedUserIds`` when the user was not a member yet (:mod:`._data_hooks`).
- ``POST /:id/message`` (a ``SendMessagePayload``) → 204: the email again; unknown → 404
  ``entity.not_found``.
"""

from __future__ import annotations

import itertools
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _data_hooks, _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_organizations import TENANT_ID, fk_violation, publish, query_value, role_entities
from ._organization_registry import StoredInvitation, StoredOrganization
from ._store import new_id
from ._tenant import Tenant

TEMPLATE_TYPE = "OrganizationInvitation"  # connector-kit ``TemplateType.OrganizationInvitation``
STATUSES = ("Accepted", "Revoked")  # what ``PUT /:id/status`` may set
ENDING = ("Accepted", "Expired", "Revoked")  # ``endingStatuses``: no change after these
INVITEE_MAX = 256  # organization_invitations.invitee varchar(256)
ID_MAX = 21  # varchar(21)
# sendMessagePayloadGuard's known keys: optional strings (anything else passes through).
PAYLOAD_STRINGS = ("code", "link", "locale", "uiLocales")
USER_CONTEXT_KEYS = ("id", "avatar", "name", "primaryEmail", "primaryPhone", "username", "profile")

_SEQUENCE = itertools.count(1)  # creation order, for invitations created in the same millisecond


def _invitation_json(tenant: Tenant, invitation: StoredInvitation) -> dict[str, Any]:
    """``organizationInvitationEntityGuard``, its keys in the guard's order."""
    roles = tenant.store.organizations.invitation_roles(invitation)
    return {
        "tenantId": TENANT_ID,
        "id": invitation.id,
        "inviterId": invitation.inviter_id,
        "invitee": invitation.invitee,
        "acceptedUserId": invitation.accepted_user_id,
        "organizationId": invitation.organization_id,
        "status": invitation.status_at(tenant.store.now_ms()),
        "createdAt": invitation.created_at,
        "updatedAt": invitation.updated_at,
        "expiresAt": invitation.expires_at,
        "organizationRoles": role_entities(roles),
    }


def _find(tenant: Tenant, invitation_id: str) -> StoredInvitation:
    """``findById``'s ``pool.one``: no row → 404 ``entity.not_found``."""
    invitation = tenant.store.organizations.invitation(invitation_id)
    if invitation is None:
        raise LogtoError("entity.not_found", 404)
    return invitation


def _invalid_input(details: str, status: int = 422) -> LogtoError:
    return LogtoError("request.invalid_input", status, details=details)


# --- bodies ---------------------------------------------------------------------------------------------
def _payload_issues(value: Any, path: str) -> list[dict[str, Any]]:
    """``sendMessagePayloadGuard``'s issues for ``value`` (an object whose known keys are strings)."""
    if not isinstance(value, dict):
        got = _guards.received(value)
        message = f"Expected object, received {got}"
        return [
            {"code": "invalid_type", "expected": "object", "received": got, "path": path, "message": message}
        ]
    for key in PAYLOAD_STRINGS:
        if key in value and not isinstance(value[key], str):
            got = _guards.received(value[key])
            where = f"{path}.{key}" if path else key
            message = f"Expected string, received {got}"
            return [
                {
                    "code": "invalid_type",
                    "expected": "string",
                    "received": got,
                    "path": where,
                    "message": message,
                }
            ]
    return []


def _message_payload(body: dict[str, Any]) -> dict[str, Any] | None:
    """``sendMessagePayloadGuard.or(z.literal(false)).default(false)``: ``None`` for no email."""
    if "messagePayload" not in body or body["messagePayload"] is False:
        return None
    value = body["messagePayload"]
    issues = _payload_issues(value, "messagePayload")
    if not issues:
        payload: dict[str, Any] = value
        return payload
    literal = {"received": value, "code": "invalid_literal", "expected": False}
    branches = [
        issues,
        [{**literal, "path": "messagePayload", "message": "Invalid literal value, expected false"}],
    ]
    union_errors = [
        {"issues": [{**i, "path": i["path"].split(".")} for i in branch], "name": "ZodError"}
        for branch in branches
    ]
    raise _guards.invalid("messagePayload", "invalid_union", "Invalid input", unionErrors=union_errors)


def _expires_at(body: dict[str, Any]) -> float:
    """``z.number()``: any finite number (epoch ms)."""
    value = body.get("expiresAt")
    if "expiresAt" not in body or isinstance(value, bool) or not isinstance(value, int | float):
        raise _guards.invalid_type("expiresAt", "number", value, missing="expiresAt" not in body)
    return int(value) if float(value).is_integer() else float(value)


# --- the email ------------------------------------------------------------------------------------------
def _template_context(tenant: Tenant, org: StoredOrganization, inviter_id: str | None) -> dict[str, Any]:
    """``getOrganizationInvitationTemplateContext``: the organization (``buildOrganizationContextInfo``)
    and, when there is one, the inviter (``buildUserContextInfo``)."""
    context: dict[str, Any] = {"organization": {"id": org.id, "name": org.name, "branding": org.branding}}
    inviter = tenant.store.users.get(inviter_id or "")
    if inviter is not None:
        picked = {
            "id": inviter.id,
            "avatar": inviter.avatar,
            "name": inviter.name,
            "primaryEmail": inviter.primary_email,
            "primaryPhone": inviter.primary_phone,
            "username": inviter.username,
            "profile": inviter.profile,
        }
        context["inviter"] = {k: picked[k] for k in USER_CONTEXT_KEYS}
    return context


# --- routes ---------------------------------------------------------------------------------------------
async def list_invitations(request: Request) -> Response:
    tenant = authorized_tenant(request)
    organization_id = query_value(request, "organizationId")
    inviter_id = query_value(request, "inviterId")
    invitee = query_value(request, "invitee")
    with tenant.store.lock:  # ``conditionalSql``: an empty value is no filter
        found = [
            i
            for o in tenant.store.organizations.organizations.values()
            for i in o.invitations
            if (not organization_id or i.organization_id == organization_id)
            and (not inviter_id or i.inviter_id == inviter_id)
            and (not invitee or i.invitee.lower() == invitee.lower())
        ]
        found.sort(key=lambda i: (i.created_at, i.seq), reverse=True)
        body = [_invitation_json(tenant, i) for i in found]
    return JSONResponse(body)


async def create_invitation(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    inviter_id: str | None = _guards.string(
        body, "inviterId", max_length=ID_MAX, optional=True, nullable=True
    )
    invitee: str = _guards.string(body, "invitee")
    if not _guards.ZOD_EMAIL.match(invitee):
        raise _guards.invalid("invitee", "invalid_string", "Invalid email", validation="email")
    organization_id: str = _guards.string(body, "organizationId", min_length=1, max_length=ID_MAX)
    expires_at = _expires_at(body)
    role_ids: list[str] = _guards.string_list(body, "organizationRoleIds", optional=True, min_length=0) or []
    message_payload = _message_payload(body)
    registry, store = tenant.store.organizations, tenant.store
    now = store.now_ms()
    if not expires_at > now:
        raise _invalid_input("The value of `expiresAt` must be in the future.", 400)
    with store.lock:
        org = registry.organizations.get(organization_id)
        # ``isMember``: the organization's members by their primary email, as written
        if org is not None and any(
            (u := store.users.get(m)) is not None and u.primary_email == invitee for m in org.members
        ):
            raise _invalid_input("The invitee is already a member of the organization.")
        if len(invitee) > INVITEE_MAX:  # Postgres' 22001, as koaSlonikErrorHandler answers it
            message = f"value too long for type character varying({INVITEE_MAX})"
            raise LogtoError("entity.value_too_long", 422, {"message": message})
        if org is not None:
            for earlier in org.invitations:  # ``updateExpiredEntities``
                if earlier.invitee.lower() == invitee.lower() and earlier.status_at(now) == "Expired":
                    earlier.status = "Expired"
            if any(i.status == "Pending" and i.invitee == invitee for i in org.invitations):
                raise LogtoError("entity.unique_integrity_violation", 422)
        if org is None or (inviter_id is not None and inviter_id not in store.users):
            raise fk_violation()
        if any(r not in registry.roles for r in role_ids):
            raise fk_violation()
        invitation = StoredInvitation(
            id=new_id(21),
            organization_id=org.id,
            invitee=invitee,
            inviter_id=inviter_id,
            expires_at=expires_at,
            created_at=now,
            updated_at=now,
            seq=next(_SEQUENCE),
            role_ids=list(dict.fromkeys(role_ids)),  # ``on conflict do nothing``
        )
        org.invitations.append(invitation)  # held while the email goes: a second create meets it
        context = _template_context(tenant, org, inviter_id) if message_payload is not None else {}
    if message_payload is not None:
        try:
            await _codes.send_message(tenant, invitee, TEMPLATE_TYPE, {**context, **message_payload})
        except BaseException:  # the transaction rolls back
            with store.lock:
                org.invitations = [i for i in org.invitations if i is not invitation]
            raise
    with store.lock:
        answer = _invitation_json(tenant, invitation)
    return JSONResponse(answer, status_code=201)


async def get_invitation(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        body = _invitation_json(tenant, _find(tenant, request.path_params["id"]))
    return JSONResponse(body)


async def delete_invitation(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        invitation = _find(tenant, request.path_params["id"])
        org = tenant.store.organizations.organizations[invitation.organization_id]
        org.invitations = [i for i in org.invitations if i is not invitation]
    return Response(status_code=204)


async def update_status(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    accepted_user_id: str | None = _guards.string(
        body, "acceptedUserId", max_length=ID_MAX, optional=True, nullable=True
    )
    status: str = _guards.choice(body, "status", STATUSES)
    store = tenant.store
    if status == "Accepted" and not accepted_user_id:
        raise _invalid_input("The `acceptedUserId` is required when accepting an invitation.")
    added: list[str] = []
    with store.lock:
        invitation = _find(tenant, request.path_params["id"])
        now = store.now_ms()
        if invitation.status_at(now) in ENDING:
            raise _invalid_input("The status of the invitation cannot be changed anymore.")
        org = store.organizations.organizations[invitation.organization_id]
        if status == "Accepted" and accepted_user_id is not None:
            user = store.users.get(accepted_user_id)
            if user is None:  # ``findUserById``
                raise LogtoError("entity.not_found", 404)
            if (user.primary_email or "").lower() != invitation.invitee.lower():
                raise _invalid_input("The accepted user must have the same email as the invitee.")
            if user.id not in org.members:
                org.members.append(user.id)
                added.append(user.id)
            for role in store.organizations.invitation_roles(invitation):
                if (user.id, role.id) not in org.member_roles:
                    org.member_roles.append((user.id, role.id))
            invitation.accepted_user_id = user.id
            publish(tenant)
        invitation.status = status
        invitation.updated_at = now
        answer = _invitation_json(tenant, invitation)
    if status == "Accepted":  # always, the delta only when the user was not a member yet
        delta = _data_hooks.membership_delta(addedUserIds=added)
        _data_hooks.append("Organization.Membership.Updated", organizationId=org.id, **delta)
    return JSONResponse(answer)


async def resend_message(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    issues = _payload_issues(body, "")
    if issues:
        raise _guards.failed(issues[0])
    with tenant.store.lock:
        invitation = _find(tenant, request.path_params["id"])
        org = tenant.store.organizations.organizations[invitation.organization_id]
        context = _template_context(tenant, org, invitation.inviter_id)
    await _codes.send_message(tenant, invitation.invitee, TEMPLATE_TYPE, {**context, **body})
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_ORGANIZATION_INVITATIONS, list_invitations),
    ("POST", paths.MANAGEMENT_ORGANIZATION_INVITATIONS, create_invitation),
    ("GET", paths.MANAGEMENT_ORGANIZATION_INVITATION, get_invitation),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_INVITATION, delete_invitation),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_INVITATION_STATUS, update_status),
    ("POST", paths.MANAGEMENT_ORGANIZATION_INVITATION_MESSAGE, resend_message),
]
