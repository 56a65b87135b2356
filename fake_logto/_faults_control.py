"""The test-control API for faults, signing keys and attack tokens, as fake_mailgun's faults:

- ``POST /__harness/faults`` adds a rule (:mod:`._faults`), ``GET`` lists the active ones, ``DELETE``
  clears them (``/__harness/reset`` does too);
- ``POST /__harness/keys/rotate`` makes a new signing key current (``{"keep_previous": false}`` drops the
  old one from the JWKS; :meth:`._keys.SigningKey.rotate`);
- ``POST /__harness/attack-tokens`` mints an access token a correct API must reject
  (:mod:`._attack_tokens`), or the valid one.

Not part of Logto. Errors are fakekit's :class:`~fakekit.ControlError`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Body
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakekit import ControlError, validate

from . import _attack_tokens, paths
from ._faults import MAX_DELAY_MS, Endpoint
from ._tenant import Tenant


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


class FaultSpec(BaseModel):
    """A fault rule: where (``endpoint`` or ``path``), what (``delay_ms``, then ``drop``, ``error``, ``code``
    or ``status``), how often (``count`` next requests, a ``rate`` fraction; neither: all)."""

    endpoint: Endpoint | None = Field(None, description="a named endpoint of the Logto surface")
    path: str | None = Field(None, description="or a path glob: /api/experience/verification/*")
    method: str | None = Field(None, description="only requests of this method")
    grant_type: str | None = Field(None, description="token endpoint: only this grant_type (refresh_token)")
    status: int | None = Field(
        None, description="HTTP status: alone a plain-text answer; with error/code theirs"
    )
    error: str | None = Field(None, description="an OAuth error of an OIDC endpoint, e.g. invalid_grant")
    error_description: str | None = Field(None, description="replaces the error's default description")
    code: str | None = Field(None, description="a Logto error code of an /api route, e.g. session.not_found")
    delay_ms: int = Field(0, ge=0, le=MAX_DELAY_MS, description="hold the request on the tenant clock first")
    drop: bool = Field(False, description="close the connection with no answer")
    count: int | None = Field(None, ge=1)
    rate: float | None = Field(None, gt=0, le=1)
    seed: int | None = Field(None, description="seed the random choice of a rate fault")


class Fault(FaultSpec):
    id: str
    applied: int = Field(description="how many requests it has answered")
    remaining: int | None = Field(description="requests left for a count rule")


class FaultList(BaseModel):
    items: list[Fault]


class Rotate(BaseModel):
    keep_previous: bool = Field(True, description="keep the old key in the JWKS (Logto's immediate rotation)")


class Keys(BaseModel):
    kid: str = Field(description="the current key's kid: tokens are signed with it from now on")
    kids: list[str] = Field(description="the JWKS's kids, current first")


class AttackRequest(BaseModel):
    kind: Literal[_attack_tokens.KINDS] = Field(description="which token: valid, or what is wrong with it")  # type: ignore[valid-type]
    resource: str = Field(description="the API resource indicator (the token's aud)")
    scope: str | None = Field(None, description="space-separated scopes (default: all of the resource's)")
    subject: str = Field("attack-token-subject", description="the sub claim (a user id)")
    client_id: str | None = Field(None, description="the client_id claim (default: the first application)")


class AttackToken(BaseModel):
    kind: str
    token: str = Field(description="the access token (a compact JWT)")
    rejected_by: str | None = Field(description="the check a correct API fails it on; null: the valid one")


def _schema(model: type[BaseModel]) -> Any:
    return Body(json_schema_extra=model.model_json_schema())


async def add_fault(request: Request, body: Annotated[Any, _schema(FaultSpec)]) -> Response:
    """Add a fault rule (201 with it); 400 ``invalid_fault`` naming what is wrong with it."""
    spec = validate(FaultSpec, body)
    try:
        fault = _tenant(request).faults.add(**spec.model_dump())
    except ValueError as exc:
        raise ControlError(400, "invalid_fault", str(exc)) from None
    return JSONResponse(fault.to_json(), status_code=201)


async def list_faults(request: Request) -> FaultList:
    """The active fault rules, oldest first."""
    return FaultList.model_validate({"items": [f.to_json() for f in _tenant(request).faults.list()]})


async def clear_faults(request: Request) -> dict[str, str]:
    """Clear every fault rule."""
    _tenant(request).faults.clear()
    return {"status": "cleared"}


async def rotate_keys(request: Request, body: Annotated[Any, _schema(Rotate)] = None) -> Keys:
    """Make a new signing key current (tokens are signed with it from now on); the old one stays in the
    JWKS unless ``keep_previous`` is false."""
    keep = validate(Rotate, body or {}).keep_previous
    kids = _tenant(request).keys.rotate(keep_previous=keep)
    _tenant(request).events.record("keys_rotated", kid=kids[0], kids=kids)
    return Keys(kid=kids[0], kids=kids)


async def attack_token(request: Request, body: Annotated[Any, _schema(AttackRequest)]) -> AttackToken:
    """Mint an access token for ``resource`` that a correct API must reject (or, ``kind: valid``, accept)."""
    asked = validate(AttackRequest, body)
    tenant = _tenant(request)
    config = tenant.config.resource(asked.resource)
    if config is None:
        raise ControlError(404, "not_found", f"no API resource {asked.resource!r}")
    scopes = asked.scope.split() if asked.scope is not None else list(config.scopes)
    client_id = asked.client_id or next((a.id for a in tenant.config.applications), "attack-token-client")
    token = _attack_tokens.mint(
        tenant, asked.kind, resource=asked.resource, scopes=scopes, subject=asked.subject, client_id=client_id
    )
    return AttackToken(kind=asked.kind, token=token, rejected_by=_attack_tokens.REJECTED_BY[asked.kind])


ROUTES = [
    ("POST", paths.FAULTS, add_fault),
    ("GET", paths.FAULTS, list_faults),
    ("DELETE", paths.FAULTS, clear_faults),
    ("POST", paths.KEYS_ROTATE, rotate_keys),
    ("POST", paths.ATTACK_TOKENS, attack_token),
]
