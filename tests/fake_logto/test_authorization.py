"""Authorization as Logto enforces it (issue 13, points 1, 2, 3 and 7), against a tenant with roles, an
organization template, organizations and a default API (``logto_support.authz_tenant_dict``):

1. organizations — the reserved ``urn:logto:resource:organizations``, organization tokens from the refresh
   grant with the scopes of the user's organization roles, Logto's 403s, organization API resources
   (Logto's integration tests ``organization-token.test.ts``, ``organization-api-resource.test.ts``,
   ``refresh-token-grant.test.ts``);
2. user RBAC — a resource token carries only the requested scopes the user's roles grant;
3. machine-to-machine — ``client_credentials`` as ``client-credentials-grant.test.ts`` expects it;
7. the default API resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from logto_support import (
    API,
    JOBS,
    LONER,
    MEMBER,
    ORG,
    OTHER_ORG,
    OUTSIDER,
    REPORTS,
    SPA,
    VIEWER,
    WEB,
    auth_url,
    authz_tenant_dict,
    password_sign_in,
    pkce,
)

from fake_logto import ConfigError, Running, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from harness._experience import callback_params

ORGS_RESOURCE = "urn:logto:resource:organizations"
ORGS_SCOPE = "urn:logto:scope:organizations"
ORG_SCOPES = "read:members invite:members manage:billing"


@pytest.fixture(scope="module")
def authz(mailgun: MailgunRunning) -> Iterator[Running]:
    with serve_logto(LogtoSettings(port=0), config=parse_config(authz_tenant_dict(mailgun.url))) as running:
        yield running


def _claims(logto: Running, token: str) -> dict[str, Any]:
    jwks = httpx.get(f"{logto.endpoint}/oidc/jwks").json()
    claims: dict[str, Any] = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES384"]).claims
    return claims


def _token(logto: Running, data: dict[str, str], auth: Any = (WEB["id"], WEB["secret"])) -> httpx.Response:
    return httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=auth)


def _sign_in(logto: Running, user: dict[str, str], scope: str, *resources: str) -> dict[str, Any]:
    """The web app's tokens for ``user`` after a password sign-in asking for ``scope`` and ``resources``."""
    url = auth_url(logto, scope=scope)
    url += "".join(f"&{urlencode({'resource': r})}" for r in resources)
    code = callback_params(password_sign_in(logto.endpoint, url, user["email"], user["password"]))["code"]
    response = _token(
        logto, {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def _refresh(logto: Running, tokens: dict[str, Any], **params: str) -> httpx.Response:
    return _token(logto, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **params})


# Logto's English phrases (packages/phrases/src/locales/en/errors/oidc.ts), the body's `message`.
MESSAGES = {
    "access_denied": "Access denied.",
    "invalid_target": "Invalid resource indicator.",
    "insufficient_scope": "Token missing scope `{{scope}}`.",
}


def _error(
    response: httpx.Response, status: int, error: str, description: str, scope: str | None = None
) -> None:
    """The whole body, as Logto's koa-oidc-error-handler.ts answers it (``scope`` when the error has one)."""
    assert response.status_code == status, response.text
    assert response.json() == {
        "code": f"oidc.{error}",
        "message": MESSAGES[error],
        "error": error,
        "error_description": description,
        **({"scope": scope} if scope is not None else {}),
    }


# --- 1. organizations ------------------------------------------------------------------------------------
def test_1_organization_tokens_carry_the_organization_roles_scopes(authz: Running) -> None:
    scope = f"openid offline_access {ORGS_SCOPE} {ORG_SCOPES}"
    member = _sign_in(authz, MEMBER, scope, ORGS_RESOURCE)
    response = _refresh(authz, member, organization_id=ORG)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "read:members invite:members"  # admin's; manage:billing is no role's
    assert body["expires_in"] == 3600
    assert body["token_type"] == "Bearer"
    assert {"id_token", "refresh_token"} <= set(body)
    claims = _claims(authz, body["access_token"])
    assert claims["aud"] == f"urn:logto:organization:{ORG}"
    assert claims["scope"] == "read:members invite:members"
    assert claims["client_id"] == WEB["id"]

    viewer = _sign_in(authz, VIEWER, scope, ORGS_RESOURCE)
    assert _refresh(authz, viewer, organization_id=ORG).json()["scope"] == "read:members"
    # A scope the sign-in did not ask for is not issued, even if the role has it.
    narrow = _sign_in(authz, MEMBER, f"openid offline_access {ORGS_SCOPE} invite:members", ORGS_RESOURCE)
    assert _refresh(authz, narrow, organization_id=ORG).json()["scope"] == "invite:members"

    # Not a member (or no such organization): 403 access_denied.
    outsider = _sign_in(authz, OUTSIDER, scope, ORGS_RESOURCE)
    for organization_id in (ORG, OTHER_ORG, "nope"):
        _error(
            _refresh(authz, outsider, organization_id=organization_id),
            403,
            "access_denied",
            "user is not a member of the organization",
        )
    # A member whose refresh token lacks urn:logto:scope:organizations: 403 insufficient_scope.
    _error(
        _refresh(authz, _sign_in(authz, MEMBER, "openid offline_access"), organization_id=ORG),
        403,
        "insufficient_scope",
        "refresh token missing required scope",
        ORGS_SCOPE,  # refresh-token.ts: InsufficientScope(..., UserScope.Organizations); err_out.js keeps it
    )


def test_1_a_refused_organization_request_leaves_the_refresh_token_usable(authz: Running) -> None:
    """Logto checks membership before rotating: a public client's token survives a 403 (no reuse)."""
    verifier, challenge = pkce()
    url = auth_url(
        authz, client_id=SPA["id"], redirect_uri=SPA["redirect"], code_challenge=challenge,
        code_challenge_method="S256", scope=f"openid offline_access {ORGS_SCOPE}",
    )  # fmt: skip
    code = callback_params(password_sign_in(authz.endpoint, url, OUTSIDER["email"], OUTSIDER["password"]))[
        "code"
    ]
    spa = {"client_id": SPA["id"]}
    tokens = _token(
        authz,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": SPA["redirect"],
            "code_verifier": verifier,
            **spa,
        },
        auth=None,
    ).json()
    refused = _token(
        authz, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "organization_id": ORG, **spa},
        auth=None,
    )  # fmt: skip
    _error(refused, 403, "access_denied", "user is not a member of the organization")
    authz.tenant.clock.advance(10)  # past the reuse grace: a consumed token would now revoke the grant
    again = _token(
        authz, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **spa}, auth=None
    )
    assert again.status_code == 200, again.text


def test_1_a_refresh_refused_for_its_resource_has_used_the_token(authz: Running) -> None:
    """Logto's refresh-token.ts consumes a rotating token and saves its successor before it resolves the
    resource (node-oidc-provider's lib/helpers/resolve_resource.js): a public client's token is burnt by
    a bad ``resource`` — reused after the grace, it revokes the grant."""
    verifier, challenge = pkce()
    url = auth_url(
        authz, client_id=SPA["id"], redirect_uri=SPA["redirect"], code_challenge=challenge,
        code_challenge_method="S256", scope="openid offline_access",
    )  # fmt: skip
    callback = password_sign_in(authz.endpoint, url, MEMBER["email"], MEMBER["password"])
    spa = {"client_id": SPA["id"]}
    exchange = {"grant_type": "authorization_code", "code": callback_params(callback)["code"]}
    exchange |= {"redirect_uri": SPA["redirect"], "code_verifier": verifier, **spa}
    tokens = _token(authz, exchange, auth=None).json()
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **spa}
    refused = _token(authz, {**refresh, "resource": "https://nope.test"}, auth=None)
    _error(refused, 400, "invalid_target", "resource indicator is missing, or unknown")
    authz.tenant.clock.advance(10)  # past the reuse grace
    again = _token(authz, refresh, auth=None)
    assert again.status_code == 400, again.text
    assert again.json()["error"] == "invalid_grant"


def test_1_organization_api_resource_tokens(authz: Running) -> None:
    scope = f"openid offline_access {ORGS_SCOPE} read:books write:books delete:books"
    member = _sign_in(authz, MEMBER, scope, API, ORGS_RESOURCE)
    # In the organization: the user's roles (librarian: write:books) and admin's read:books there.
    response = _refresh(authz, member, resource=API, organization_id=ORG)
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "read:books write:books"
    claims = _claims(authz, response.json()["access_token"])
    assert (claims["aud"], claims["organization_id"], claims["scope"]) == (API, ORG, "read:books write:books")
    # Narrowed to another organization (not a member): 403, as for organization tokens.
    _error(
        _refresh(authz, member, resource=API, organization_id=OTHER_ORG),
        403,
        "access_denied",
        "user is not a member of the organization",
    )
    # A member whose organization role grants nothing for the resource gets an empty scope.
    viewer = _sign_in(authz, VIEWER, scope, API, ORGS_RESOURCE)
    empty = _refresh(authz, viewer, resource=API, organization_id=ORG).json()
    assert empty["scope"] == ""
    assert _claims(authz, empty["access_token"])["scope"] == ""


def test_1_reserved_resource_is_accepted_at_the_authorization_endpoint(authz: Running) -> None:
    response = httpx.get(
        auth_url(authz, scope=f"openid {ORGS_SCOPE}") + f"&resource={ORGS_RESOURCE}", follow_redirects=False
    )
    assert response.status_code == 303
    assert httpx.URL(response.headers["location"]).path == "/sign-in"


# --- 2. user RBAC ---------------------------------------------------------------------------------------
def test_2_resource_tokens_carry_only_what_the_users_roles_grant(authz: Running) -> None:
    scope = (
        "openid offline_access roles urn:logto:scope:organization_roles read:books write:books delete:books"
    )
    member = _sign_in(authz, MEMBER, scope + f" {ORGS_SCOPE}", API)
    body = _refresh(authz, member, resource=API).json()
    # librarian grants write:books, admin in org-acme read:books; delete:books is nobody's.
    assert body["scope"] == "read:books write:books"
    claims = _claims(authz, body["access_token"])
    assert (claims["aud"], claims["scope"]) == (API, "read:books write:books")
    assert "organization_id" not in claims
    id_claims = _claims(authz, member["id_token"])
    assert id_claims["roles"] == ["librarian"]
    assert id_claims["organizations"] == [ORG]
    assert id_claims["organization_roles"] == [f"{ORG}:admin"]

    # The code exchange with the resource gives the same scopes.
    outsider = _sign_in(authz, OUTSIDER, scope, API)
    empty = _refresh(authz, outsider, resource=API).json()
    assert empty["scope"] == ""
    assert _claims(authz, empty["access_token"])["scope"] == ""


# --- 3. machine-to-machine ------------------------------------------------------------------------------
def _m2m(logto: Running, app: dict[str, str], **params: str) -> httpx.Response:
    return _token(logto, {"grant_type": "client_credentials", **params}, auth=(app["id"], app["secret"]))


def test_3_client_credentials_carry_the_apps_role_scopes(authz: Running) -> None:
    response = _m2m(authz, JOBS, resource=API, scope="read:books write:books no:such-scope")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"access_token", "expires_in", "scope", "token_type"}
    assert body["scope"] == "read:books"  # sync's; the rest dropped silently
    claims = _claims(authz, body["access_token"])
    assert (claims["aud"], claims["scope"], claims["sub"], claims["client_id"]) == (
        API,
        "read:books",
        JOBS["id"],
        JOBS["id"],
    )

    # Nothing requested, or nothing granted: no scope in the response nor in the token.
    for app, params in ((JOBS, {}), (LONER, {"scope": "read:books"})):
        bare = _m2m(authz, app, resource=API, **params).json()
        assert "scope" not in bare
        assert "scope" not in _claims(authz, bare["access_token"])

    # An organization token for an app of the organization: its organization roles' scopes there.
    org = _m2m(authz, JOBS, organization_id=ORG, scope="read:members invite:members").json()
    assert (org["scope"], org["expires_in"]) == ("read:members", 3600)
    org_claims = _claims(authz, org["access_token"])
    assert (org_claims["aud"], org_claims["scope"]) == (f"urn:logto:organization:{ORG}", "read:members")
    assert _m2m(authz, JOBS, organization_id=ORG).json()["scope"] == ""
    # With a resource too: only the organization roles' resource scopes, and the organization_id claim.
    both = _m2m(authz, JOBS, organization_id=ORG, resource=API, scope="read:books delete:books").json()
    assert both["scope"] == "delete:books"
    assert _claims(authz, both["access_token"])["organization_id"] == ORG

    _error(
        _m2m(authz, LONER, organization_id=ORG),
        403,
        "access_denied",
        "app has not associated with the organization",
    )
    _error(
        _m2m(authz, JOBS, resource="https://nope.test"),
        400,
        "invalid_target",
        "resource indicator is missing, or unknown",
    )


def test_3_client_credentials_with_two_resources(authz: Running) -> None:
    """Logto's packages/core/src/oidc/grants/client-credentials.ts: one resource server only (the same
    indicator twice is one), after node-oidc-provider's check_resource.js has checked each."""

    def post(*resources: str) -> httpx.Response:
        body = urlencode([("grant_type", "client_credentials"), *(("resource", r) for r in resources)])
        return httpx.post(
            f"{authz.endpoint}/oidc/token", content=body, auth=(JOBS["id"], JOBS["secret"]),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )  # fmt: skip

    _error(post(API, "https://nope.test"), 400, "invalid_target", "resource indicator is missing, or unknown")
    description = "only a single resource indicator value is supported for this grant type"
    _error(post(API, REPORTS), 400, "invalid_target", description)
    assert post(API, API).status_code == 200


def test_3_client_credentials_without_resource_or_organization(logto: Running) -> None:
    """The shared tenant has no default API: neither parameter is Logto's invalid_target."""
    response = _token(logto, {"grant_type": "client_credentials"}, auth=("bookstore-m2m", "m2m-secret"))
    _error(response, 400, "invalid_target", "both `resource` and `organization_id` are not provided")


# --- 7. the default API resource ------------------------------------------------------------------------
def test_7_the_default_resource_answers_requests_that_name_none(authz: Running) -> None:
    body = _m2m(authz, JOBS, scope="read:reports export:reports").json()
    assert body["scope"] == "read:reports"
    assert body["expires_in"] == 3600
    assert _claims(authz, body["access_token"])["aud"] == REPORTS
    # An organization token asked for without a resource ignores the default.
    assert _claims(authz, _m2m(authz, JOBS, organization_id=ORG).json()["access_token"])["aud"] == (
        f"urn:logto:organization:{ORG}"
    )
    # A user's sign-in without a resource is granted the default API: a refresh without ``openid`` in its
    # scope (node-oidc-provider's resolve_resource.js) — or naming it — gets a JWT for it.
    member = _sign_in(authz, MEMBER, "openid offline_access read:reports")
    named = _refresh(authz, member, resource=REPORTS).json()
    assert _claims(authz, named["access_token"])["aud"] == REPORTS
    assert named["scope"] == ""  # no role of the member grants read:reports
    # With openid, the token without a resource stays the opaque one good at /oidc/me.
    plain = _refresh(authz, member).json()
    assert plain["access_token"].count(".") == 0


def test_7_the_code_exchange_answers_the_scope_of_the_token_it_issues(authz: Running) -> None:
    """Without ``openid`` the code exchange resolves the default API (resolve_resource.js); the response's
    ``scope`` is that access token's (buildTokenResponse, node-oidc-provider's lib/helpers/grant_common.js),
    not the OIDC scopes of the grant."""
    body = _sign_in(authz, MEMBER, "profile read:reports")
    assert _claims(authz, body["access_token"])["aud"] == REPORTS
    assert body["scope"] == ""  # no role of the member grants read:reports; "profile" is not the token's


def test_7_a_grant_of_one_resource_resolves_to_it_without_openid(authz: Running) -> None:
    """node-oidc-provider's lib/helpers/resolve_resource.js: no ``resource`` named and no ``openid`` — the
    refresh token's own resource, when it holds one, not the tenant's default API (REPORTS here)."""
    member = _sign_in(authz, MEMBER, "openid offline_access read:books", API)
    body = _refresh(authz, member, scope="read:books").json()
    assert _claims(authz, body["access_token"])["aud"] == API
    assert body["scope"] == "read:books"


# --- the config refuses what Logto refuses, naming the field ---------------------------------------------
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["resources"][0].update(default=True), "resources[1].default: only one resource can be the default (resources[0] is)"),
        (lambda d: d["users"].append({"email": "x@y.test", "roles": ["sync"]}), "users[3].roles: 'sync' is a m2m role, not a user role"),
        (lambda d: d["applications"][2].update(roles=["librarian"]), "applications[2].roles: 'librarian' is a user role, not a m2m role"),
        (lambda d: d["applications"][0].update(roles=["sync"]), "applications[0].roles: only machine-to-machine applications hold roles"),
        (lambda d: d["applications"][3].update(roles=["nope"]), "applications[3].roles: no role named 'nope'"),
        (lambda d: d["roles"][1].update(type="robot"), "roles[1].type: must be one of user, m2m, got 'robot'"),
        (lambda d: d["organization_template"]["roles"][1].update(scopes=["fly"]), "organization_template.roles[1].scopes[0]: 'fly' is not an organization scope"),
        (lambda d: d["organization_template"]["roles"][0].update(resource_scopes=[{"resource": API, "scope": "fly"}]), "organization_template.roles[0].resource_scopes: https://api.bookstore.test:fly is not a scope of a configured resource"),
        (lambda d: d["organizations"][0].update(roles=["nobody@acme.test:admin"]), "organizations[0].roles[0]: 'nobody@acme.test' is not in organizations[0].members"),
        (lambda d: d["organizations"][0].update(roles=[f"{MEMBER['email']}:boss"]), "organizations[0].roles[0]: no organization role named 'boss' in organization_template.roles"),
        (lambda d: d["organizations"][0].update(roles=[f"{MEMBER['email']}:bot"]), "organizations[0].roles[0]: 'bot' is a m2m role, not a user role"),
        (lambda d: d["organizations"][0].update(applications=[WEB["id"]]), "organizations[0].applications[0]: 'bookstore' is not a machine-to-machine application"),
        (lambda d: d["organizations"][0].update(application_roles=[f"{LONER['id']}:bot"]), "organizations[0].application_roles[0]: 'loner' is not in organizations[0].applications"),
        (lambda d: d["organizations"][0].update(application_roles=[f"{JOBS['id']}:admin"]), "organizations[0].application_roles[0]: 'admin' is a user role, not a m2m role"),
        (lambda d: d["organizations"][1].update(id=ORG), "organizations: the id 'org-acme' is used twice"),
        (lambda d: d["organizations"][1].update(id="a:b"), "organizations[1].id: must not contain ':'"),
        (lambda d: d["organizations"][0].update(roles=["no-colon"]), "organizations[0].roles[0]: must look like 'a:b', got 'no-colon'"),
        (lambda d: d["organization_template"].update(color="red"), "organization_template.color: unknown setting"),
    ],
    ids=[
        "two-defaults", "user-holds-m2m-role", "app-holds-user-role", "web-app-with-roles", "unknown-app-role",
        "bad-role-type", "org-role-scope-unknown", "org-role-resource-scope-unknown", "org-role-for-non-member",
        "unknown-org-role", "user-holds-m2m-org-role", "org-app-not-m2m", "org-app-role-outside", "app-holds-user-org-role",
        "duplicate-org", "org-id-colon", "org-role-pair", "template-unknown-key",
    ],
)  # fmt: skip
def test_config_refusals_name_the_field(change: Any, message: str) -> None:
    data = authz_tenant_dict("http://127.0.0.1:9")
    change(data)
    with pytest.raises(ConfigError) as refused:
        parse_config(data)
    assert str(refused.value).startswith(message)
