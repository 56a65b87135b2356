"""The Management API's SSO connectors (:mod:`fake_logto._management_sso_connectors`) and the tenant
config's ``[[sso_connectors]]`` (:mod:`fake_logto._config_sso`)."""

from __future__ import annotations

import httpx
import pytest
from logto_support import tenant_dict
from management_support import logto_error
from sso_support import CLIENT, add_sso, issuer

from fake_logto import ConfigError, parse_config
from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running


def test_providers_lists_every_factory(api: httpx.Client) -> None:
    body = api.get("/sso-connector-providers").json()
    names = [p["providerName"] for p in body]
    assert names == ["OIDC", "SAML", "AzureAD", "GoogleWorkspace", "Okta", "AzureAdOidc"]
    assert body[0] == {**body[0], "providerType": "oidc", "name": "OIDC"}
    assert set(body[0]) == {"providerName", "providerType", "logo", "logoDark", "description", "name"}


def test_create_get_patch_delete(mgmt: LogtoRunning, api: httpx.Client) -> None:
    connector_id = add_sso(api, mgmt, ("Acme.TEST",), enable=False, syncProfile=True)
    got = api.get(f"/sso-connectors/{connector_id}").json()
    assert got["domains"] == ["acme.test"]
    assert got["config"] == {**CLIENT, "issuer": issuer(mgmt), "trustUnverifiedEmail": False}
    assert (got["name"], got["providerType"], got["syncProfile"]) == ("OIDC", "oidc", True)
    provider = got["providerConfig"]
    assert provider["authorizationEndpoint"] == issuer(mgmt) + "/authorize"
    assert provider["scope"] == "openid profile email"
    patched = api.patch(f"/sso-connectors/{connector_id}", json={"connectorName": "Acme 2", "domains": []})
    assert (patched.json()["connectorName"], patched.json()["domains"]) == ("Acme 2", [])
    listed = api.get("/sso-connectors").json()
    assert [c["id"] for c in listed] == [connector_id]
    paged = api.get("/sso-connectors", params={"page": 1, "page_size": 1})
    assert paged.headers["total-number"] == "1"
    assert api.delete(f"/sso-connectors/{connector_id}").status_code == 204
    body = logto_error(api.get(f"/sso-connectors/{connector_id}"), 404, "entity.not_exists_with_id")
    assert body["message"] == f"The sso_connectors with ID `{connector_id}` does not exist."
    logto_error(api.delete(f"/sso-connectors/{connector_id}"), 404, "entity.not_exists_with_id")
    logto_error(api.patch("/sso-connectors/nope", json={}), 404, "entity.not_exists_with_id")


def test_create_refusals(mgmt: LogtoRunning, api: httpx.Client) -> None:
    def create(**body: object) -> httpx.Response:
        return api.post("/sso-connectors", json={"providerName": "OIDC", "connectorName": "x", **body})

    logto_error(api.post("/sso-connectors", json={"connectorName": "x"}), 400, "guard.invalid_input")
    logto_error(api.post("/sso-connectors", json={"providerName": "OIDC"}), 400, "guard.invalid_input")
    body = logto_error(create(providerName="dummy"), 422, "connector.not_found")
    assert body["message"] == "Cannot find any available connector for type: dummy."
    assert logto_error(create(domains=["Gmail.com"]), 422, "single_sign_on.forbidden_domains")["data"] == [
        "gmail.com"
    ]
    duplicated = logto_error(create(domains=["a.test", "A.test"]), 422, "single_sign_on.duplicated_domains")
    assert duplicated["data"] == ["a.test"]
    logto_error(create(config={"clientId": "only"}), 400, "connector.invalid_config")
    unreachable = {**CLIENT, "issuer": f"{mgmt.endpoint}/nowhere"}
    body = logto_error(create(config=unreachable), 400, "connector.invalid_config")
    assert body["data"]["message"] == "fail_to_fetch_config"
    logto_error(create(enableTokenStorage=True), 422, "request.feature_not_supported")
    saml = create(providerName="SAML", config={"metadata": "<xml/>"})
    assert "does not build SAML" in logto_error(saml, 400, "guard.invalid_input")["details"]
    assert create(providerName="SAML").json()["config"] == {}  # stored without a config, as Logto does
    logto_error(create(providerName="SAML"), 409, "single_sign_on.duplicate_connector_name")


def test_the_stand_in_refuses_bad_token_requests(mgmt: LogtoRunning) -> None:
    token = f"{mgmt.endpoint}/sso-provider/acme/token"
    wrong = httpx.post(token, data={"grant_type": "authorization_code", "code": "nope"}, auth=("c", "s"))
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    grant = httpx.post(token, data={"grant_type": "password"})
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    info = httpx.get(f"{mgmt.endpoint}/sso-provider/acme/userinfo", headers={"authorization": "Bearer x"})
    assert (info.status_code, info.json()["error"]) == (401, "invalid_token")
    bad = httpx.put(f"{mgmt.endpoint}/__harness/sso/acme/identity", json={"email": "x@y.test"})
    assert bad.status_code == 400


def test_config_seeds_connectors_and_the_preset_identity(mailgun: Running) -> None:
    data = tenant_dict(mailgun.url)
    data["sso_connectors"] = [
        {"id": "acme", "name": "Acme", "domains": ["Acme.test"], "identity": {"id": "emp-9", "name": "Nine"}}
    ]
    config = parse_config(data)
    assert config.sign_in_experience.single_sign_on is True
    with serve_logto(LogtoSettings(port=0), config=config) as running:
        body = httpx.get(f"{running.endpoint}/api/experience/sso-connectors", params={"email": "a@acme.test"})
        assert body.json() == {"connectorIds": ["acme"]}
        redirect = httpx.get(
            f"{running.endpoint}/sso-provider/acme/authorize",
            params={"client_id": "logto", "redirect_uri": "http://app.test/cb", "state": "s", "nonce": "n"},
        )
        assert redirect.status_code == 303  # the preset answers at once
        assert httpx.post(f"{running.endpoint}/__harness/reset").status_code == 200
        again = httpx.get(
            f"{running.endpoint}/api/experience/sso-connectors", params={"email": "a@acme.test"}
        )
        assert again.json() == {"connectorIds": ["acme"]}


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "A"}, "sso_connectors[0].domains: at least one email domain is required"),
        (
            {"name": "A", "domains": ["a.test"], "provider": "SAML"},
            "sso_connectors[0].provider: must be one of",
        ),
        ({"name": "A", "domains": ["a.test"], "colour": 1}, "sso_connectors[0].colour: unknown setting"),
    ],
)
def test_config_refusals(mailgun: Running, entry: dict[str, object], message: str) -> None:
    data = tenant_dict(mailgun.url)
    data["sso_connectors"] = [entry]
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config(data)
