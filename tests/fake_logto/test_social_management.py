"""The social side of the Management API and the stand-in's own surface: social connector rows and their
refusals, ``/connectors/:id/authorization-uri``, user identities, the sign-in experience's social columns,
and the provider stand-in's page, token and userinfo endpoints."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import httpx
from management_support import logto_error
from social_support import CONFIG, add_social, preset

from fake_logto import Running as LogtoRunning


def test_social_rows_one_per_factory_and_target(api: httpx.Client) -> None:
    row_id = add_social(api)
    again = api.post("/connectors", json={"connectorId": "google-universal", "config": CONFIG})
    logto_error(again, 422, "connector.multiple_instances_not_supported")
    meta = api.post("/connectors", json={"connectorId": "github-universal", "config": CONFIG, "metadata": {}})
    logto_error(meta, 400, "connector.cannot_overwrite_metadata_for_non_standard_connector")
    bad = api.post("/connectors", json={"connectorId": "github-universal", "config": {"clientId": 1}})
    assert logto_error(bad, 400, "connector.invalid_config")["data"]["issues"][0]["path"] == ["clientId"]
    row = api.get(f"/connectors/{row_id}").json()
    assert (row["type"], row["target"], row["connectorId"]) == ("Social", "google", "google-universal")
    assert [r["id"] for r in api.get("/connectors", params={"target": "google"}).json()] == [row_id]


def test_connector_authorization_uri(mgmt: LogtoRunning, api: httpx.Client) -> None:
    row_id = add_social(api, "mock-social-connector")
    body = {"state": "random_state", "redirectUri": "http://mock-social/callback/x"}
    answer = api.post(f"/connectors/{row_id}/authorization-uri", json=body).json()
    assert answer == {
        "redirectTo": "http://mock-social/?state=random_state&redirect_uri=http%3A%2F%2Fmock-social%2Fcallback%2Fx"
        "&scope=email+profile"
    }
    google = add_social(api)
    redirect = api.post(f"/connectors/{google}/authorization-uri", json=body).json()["redirectTo"]
    assert redirect.startswith(f"{mgmt.endpoint}/social-provider/google/authorize?client_id=social-client&")
    logto_error(api.post("/connectors/nope/authorization-uri", json=body), 404, "entity.not_found")
    empty = api.post(f"/connectors/{google}/authorization-uri", json={"state": "", "redirectUri": "x"})
    logto_error(empty, 400, "session.insufficient_info")


def test_user_identities(api: httpx.Client) -> None:
    row_id = add_social(api, "mock-social-connector")
    one = api.post("/users", json={"username": "one"}).json()["id"]
    two = api.post("/users", json={"username": "two"}).json()["id"]
    linked = api.post(
        f"/users/{one}/identities",
        json={"connectorId": row_id, "connectorData": {"code": "c", "userId": "s-1"}},
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["mock-social"]["details"] == {"id": "s-1", "rawData": {"code": "c", "userId": "s-1"}}
    taken = api.put(f"/users/{two}/identities/mock-social", json={"userId": "s-1"})
    logto_error(taken, 422, "user.identity_already_in_use")
    assert api.put(f"/users/{one}/identities/other", json={"userId": "o"}).status_code == 201
    assert api.put(f"/users/{one}/identities/other", json={"userId": "o2"}).status_code == 200
    assert api.get(f"/users/{one}/identities/other").json() == {"identity": {"userId": "o2"}}
    logto_error(api.get(f"/users/{two}/identities/other"), 404, "user.identity_not_exist")
    unknown = api.post(f"/users/{one}/identities", json={"connectorId": "nope", "connectorData": {}})
    logto_error(unknown, 404, "entity.not_found")
    logto_error(api.put(f"/users/{one}/identities/x", json={}), 400, "guard.invalid_input")


def test_sign_in_exp_social_columns(mgmt: LogtoRunning, api: httpx.Client) -> None:
    row_id = add_social(api)
    patched = api.patch(
        "/sign-in-exp",
        json={
            "socialSignInConnectorTargets": ["google", "ghost"],
            "socialSignIn": {"automaticAccountLinking": True},
        },
    ).json()
    assert patched["socialSignInConnectorTargets"] == ["google"]  # unavailable targets are dropped
    assert patched["socialSignIn"] == {"automaticAccountLinking": True}
    well_known = httpx.get(f"{mgmt.endpoint}/api/.well-known/sign-in-exp").json()
    [connector] = well_known["socialConnectors"]
    assert (connector["id"], connector["target"], connector["name"]) == (row_id, "google", {"en": "Google"})
    assert "description" not in connector
    bad = api.patch("/sign-in-exp", json={"socialSignIn": {"skipRequiredIdentifiers": "yes"}})
    logto_error(bad, 400, "guard.invalid_input")


def test_stand_in_page_token_and_userinfo(mgmt: LogtoRunning) -> None:
    base = f"{mgmt.endpoint}/social-provider/google"
    params = {"client_id": "cid", "redirect_uri": "http://app.test/cb", "state": "s"}
    page = httpx.get(f"{base}/authorize", params=params)
    assert page.status_code == 200
    assert "Deny" in page.text
    form = {
        **params,
        "action": "allow",
        "id": "g-7",
        "email": "p@x.test",
        "email_verified": "true",
        "raw": '{"locale": "fr"}',
    }
    back = httpx.post(f"{base}/authorize", data=form)
    assert back.status_code == 303
    query = dict(parse_qsl(urlsplit(back.headers["location"]).query))
    assert query["state"] == "s"
    token = httpx.post(
        f"{base}/token",
        data={"code": query["code"], "client_id": "cid", "redirect_uri": "http://app.test/cb"},
    )
    assert token.status_code == 200, token.text
    info = httpx.get(
        f"{base}/userinfo", headers={"authorization": f"Bearer {token.json()['access_token']}"}
    ).json()
    assert info == {"sub": "g-7", "email": "p@x.test", "email_verified": True, "locale": "fr"}
    reused = httpx.post(f"{base}/token", data={"code": query["code"], "client_id": "cid"})
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    assert httpx.get(f"{base}/userinfo").status_code == 401
    denied = httpx.post(f"{base}/authorize", data={**params, "action": "deny"})
    assert denied.headers["location"] == "http://app.test/cb?error=access_denied&state=s"
    preset(mgmt, "google", id="g-8")
    assert httpx.get(f"{base}/authorize", params=params).status_code == 303
    assert httpx.delete(f"{mgmt.endpoint}/__harness/social/google/identity").status_code == 204
    assert httpx.get(f"{base}/authorize", params=params).status_code == 200
    assert (
        httpx.put(f"{mgmt.endpoint}/__harness/social/github/identity", json={"id": "abc"}).status_code == 400
    )
    assert httpx.get(f"{mgmt.endpoint}/social-provider/nope/authorize", params=params).status_code == 404
