"""A social sign-up that lacks a mandatory identifier, completed over HTTP as Logto's continue pages do:
``POST /api/experience/profile`` with a verified email (``type: email``), a username, or the social
identity itself (``type: social``, the "Link and continue" path when the added email is an account's).

Follows Logto's ``tests/api/experience-api/profile/social-fullfill-user-profiles.test.ts`` and
``packages/core/src/routes/experience/profile-routes.ts`` / ``classes/profile.ts``
(``setProfileByVerificationId``), with each refusal's status and body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from management_support import logto_error
from social_support import add_social, begin, identify, preset, verified

from fake_logto import Running as LogtoRunning
from harness import ExperienceClient

PROFILE = "/api/experience/profile"


@pytest.fixture
def browser(mgmt: LogtoRunning) -> Iterator[ExperienceClient]:
    with ExperienceClient(mgmt.endpoint) as client:
        yield client


def _profile(browser: ExperienceClient, **body: Any) -> httpx.Response:
    return browser.http.post(f"{browser.endpoint}{PROFILE}", json=body)


def _identify_new(browser: ExperienceClient) -> httpx.Response:
    """``identifyUser()`` without a verification: create the account of the staged profile."""
    return browser.http.post(f"{browser.endpoint}/api/experience/identification", json={})


def _missing(mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient, identity: str) -> str:
    """A verified Google identity without a (verified) email, refused at Register; its verification id."""
    connector_id = add_social(api)
    preset(mgmt, "google", id=identity, email=f"{identity}@corp.test", email_verified=False)
    begin(mgmt, browser)
    verification_id = verified(browser, connector_id)
    logto_error(identify(browser, verification_id), 404, "user.identity_not_exist")
    browser.switch_event("Register")
    body = logto_error(identify(browser, verification_id), 422, "user.missing_profile")
    assert body["data"] == {"missingProfile": ["email"]}
    return verification_id


def _email_code(browser: ExperienceClient, read_code: Callable[[str], str], address: str, event: str) -> str:
    verification_id = browser.send_code(address, event)
    return browser.verify_code(address, verification_id, read_code(address))


def test_an_added_email_completes_the_social_sign_up(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient, read_code: Callable[[str], str]
) -> None:
    _missing(mgmt, api, browser, "g-add")
    email_id = _email_code(browser, read_code, "added@corp.test", "Register")
    assert _profile(browser, type="email", verificationId=email_id).status_code == 204
    assert _identify_new(browser).status_code == 201
    assert browser.submit() is not None
    [user] = [u for u in api.get("/users").json() if u["primaryEmail"] == "added@corp.test"]
    assert user["identities"]["google"]["userId"] == "g-add"


def test_an_email_in_use_signs_in_and_links_the_identity(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient, read_code: Callable[[str], str]
) -> None:
    existing = api.post("/users", json={"primaryEmail": "taken@corp.test"}).json()
    social_id = _missing(mgmt, api, browser, "g-link")
    email_id = _email_code(browser, read_code, "taken@corp.test", "Register")
    logto_error(
        _profile(browser, type="email", verificationId=email_id),
        422,
        "user.email_already_in_use",
        "This email is associated with an existing account.",
    )
    browser.switch_event("SignIn")
    assert browser.identify(email_id) == 204
    assert _profile(browser, type="social", verificationId=social_id).status_code == 204
    assert browser.submit() is not None
    user = api.get(f"/users/{existing['id']}").json()
    assert user["identities"]["google"]["userId"] == "g-link"
    assert len([u for u in api.get("/users").json() if u["primaryEmail"] == "taken@corp.test"]) == 1


def test_switching_the_event_forgets_the_staged_identity(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient, read_code: Callable[[str], str]
) -> None:
    """``setInteractionEvent`` cleans the profile: the identity staged by the refused Register is not linked
    to the account a later sign-in identifies unless ``type: social`` stages it again."""
    existing = api.post("/users", json={"primaryEmail": "plain@corp.test"}).json()
    _missing(mgmt, api, browser, "g-forgot")
    email_id = _email_code(browser, read_code, "plain@corp.test", "Register")
    browser.switch_event("SignIn")
    assert browser.identify(email_id) == 204
    assert browser.submit() is not None
    assert api.get(f"/users/{existing['id']}").json()["identities"] == {}


def test_social_profile_refusals(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient, read_code: Callable[[str], str]
) -> None:
    social_id = _missing(mgmt, api, browser, "g-refused")
    email_id = _email_code(browser, read_code, "refused@corp.test", "Register")
    not_found = "The verification was not successful. Restart the verification flow and try again."
    for wrong in (email_id, "nope"):  # another record's id, no record
        logto_error(
            _profile(browser, type="social", verificationId=wrong),
            404,
            "session.verification_session_not_found",
            not_found,
        )
    logto_error(
        _profile(browser, type="email", verificationId=social_id),
        404,
        "session.verification_session_not_found",
        not_found,
    )
    browser.switch_event("SignIn")  # a sign-in links an identity to the identified user only
    logto_error(
        _profile(browser, type="social", verificationId=social_id),
        404,
        "session.identifier_not_found",
        "User identifier not found. Please go back and sign in again.",
    )
    linked = api.post("/users", json={"primaryEmail": "holder@corp.test"}).json()
    assert api.put(f"/users/{linked['id']}/identities/google", json={"userId": "g-refused"}).status_code in (
        200,
        201,
    )
    browser.switch_event("Register")
    logto_error(
        _profile(browser, type="social", verificationId=social_id),
        422,
        "user.identity_already_in_use",
        "The social account has been associated with an existing account.",
    )


def test_a_username_completes_a_username_sign_up(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    """Sign-up by username and password: a social identity stands in for the password, the username is
    asked for (``missingProfile: ["username"]``); one in use is 422 ``user.username_already_in_use``."""
    api.post("/users", json={"username": "taken_name"})
    sign_up = {"signUp": {"identifiers": ["username"], "password": True, "verify": False}}
    assert api.patch("/sign-in-exp", json=sign_up).status_code == 200
    connector_id = add_social(api)
    preset(mgmt, "google", id="g-name", name="Nameless")
    begin(mgmt, browser, "Register")
    body = logto_error(identify(browser, verified(browser, connector_id)), 422, "user.missing_profile")
    assert body["data"] == {"missingProfile": ["username"]}
    logto_error(
        _profile(browser, type="username", value="taken_name"),
        422,
        "user.username_already_in_use",
        "This username is already in use.",
    )
    assert _profile(browser, type="username", value="fresh_name").status_code == 204
    assert _identify_new(browser).status_code == 201
    assert browser.submit() is not None
    [user] = [u for u in api.get("/users").json() if u["username"] == "fresh_name"]
    assert (user["identities"]["google"]["userId"], user["name"]) == ("g-name", "Nameless")
