"""``[[social_connectors]]`` (:mod:`fake_logto._social_config`): seeded rows, listed and shown with no API
call, their preset identities, what a reset restores; and the social pages' server side
(:mod:`fake_logto._pages_social`): ``direct_sign_in`` landing on ``/direct/…`` and its fallback, an unknown
connector's callback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from logto_support import auth_url, tenant_dict

from fake_logto import ConfigError, parse_config
from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running

SOCIAL = [
    {"target": "google", "identity": {"id": "g-1", "email": "ann@gmail.test"}},
    {"target": "github", "id": "gh", "name": "GitHub Enterprise", "logo": "https://img.test/gh.svg"},
]


@pytest.fixture(scope="module")
def social(mailgun: Running) -> Iterator[LogtoRunning]:
    config = parse_config({**tenant_dict(mailgun.url), "social_connectors": SOCIAL})
    with serve_logto(LogtoSettings(port=0), config=config) as running:
        yield running


def _location(logto: LogtoRunning, url: str) -> str:
    response = httpx.get(url if url.startswith("http") else logto.endpoint + url, follow_redirects=False)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    return location


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"target": "facebook"}, "social_connectors[0].target: must be one of mock-social, google, github"),
        ({"target": "github", "identity": {"id": "abc"}}, "identity: id: GitHub user ids are numbers"),
        ({"target": "google", "identity": {"id": "a", "mail": "x"}}, "identity.mail: unknown setting"),
        ({"target": "google", "secret": "x"}, "social_connectors[0].secret: unknown setting"),
        ({"target": "mock-social", "identity": {"id": "a"}}, "has no provider page to preset"),
    ],
)
def test_bad_tables_name_the_field(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_config({"social_connectors": [table]})


def test_one_connector_per_target() -> None:
    with pytest.raises(ConfigError, match="the target 'google' is used twice"):
        parse_config({"social_connectors": [{"target": "google"}, {"target": "google", "id": "g2"}]})


def test_seeded_connectors_are_listed_with_their_branding(social: LogtoRunning) -> None:
    body = httpx.get(f"{social.endpoint}/api/.well-known/sign-in-exp").json()
    assert body["socialSignInConnectorTargets"] == ["google", "github"]
    google, github = body["socialConnectors"]
    assert (google["id"], google["target"], google["name"]) == ("google", "google", {"en": "Google"})
    assert google["logo"].startswith("data:image/svg+xml;base64,")
    assert (github["id"], github["name"], github["logo"]) == (
        "gh",
        {"en": "GitHub Enterprise"},
        "https://img.test/gh.svg",
    )


def test_the_preset_identity_answers_and_a_reset_restores_it(social: LogtoRunning) -> None:
    authorize = f"{social.endpoint}/social-provider/google/authorize"
    params = {"client_id": "harness-google", "redirect_uri": "http://localhost/cb", "state": "s"}
    assert httpx.get(authorize, params=params).status_code == 303
    assert httpx.delete(f"{social.endpoint}/__harness/social/google/identity").status_code == 204
    assert httpx.get(authorize, params=params).status_code == 200  # the page asks
    assert httpx.post(f"{social.endpoint}/__harness/reset").status_code == 200
    assert httpx.get(authorize, params=params).status_code == 303


def test_direct_sign_in_lands_on_the_direct_page(social: LogtoRunning) -> None:
    """buildLoginPromptUrl (packages/core/src/oidc/utils.ts): ``/direct/<method>/<target>``, the first
    screen as ``fallback``."""
    location = _location(social, auth_url(social, direct_sign_in="social:google"))
    assert location == "/direct/social/google?app_id=bookstore&fallback=sign-in"
    location = _location(social, auth_url(social, direct_sign_in="sso:abc", interaction_mode="signUp"))
    assert location == "/direct/sso/abc?app_id=bookstore&fallback=register"
    page = httpx.get(social.endpoint + "/direct/social/google?app_id=bookstore&fallback=sign-in")
    assert page.status_code == 200
    assert '"page": "direct"' in page.text
    assert '"connectorId": "google"' in page.text


def test_direct_without_a_connector_goes_to_the_fallback(social: LogtoRunning) -> None:
    """use-fallback-route.ts: a key of experience.routes (``register``), else the sign-in page — the route
    value ``sign-in`` core sends is not a key."""
    assert _location(social, "/direct/social/facebook?app_id=bookstore&fallback=register") == (
        "/register?app_id=bookstore"
    )
    assert _location(social, "/direct/sso?fallback=sign-in") == "/sign-in"


def test_an_unlisted_connectors_callback_goes_to_the_sign_in_page(social: LogtoRunning) -> None:
    assert _location(social, "/callback/social/nope?code=c&state=s") == "/sign-in"
    assert httpx.get(social.endpoint + "/callback/social/gh?code=c&state=s").status_code == 200


def test_the_seedable_targets_are_the_social_factories() -> None:
    """``_social_config.FACTORY_OF`` is written out (no web stack when reading a config): it must name every
    Logto factory of ``_social_connectors.FACTORIES`` by its target, and only those."""
    from fake_logto._social_config import FACTORY_OF
    from fake_logto._social_connectors import FACTORIES

    assert {f.target: f.id for f in FACTORIES.values()} == FACTORY_OF
