"""Phone numbers matched as Logto matches them (``PhoneNumberParser``, ``findUserByNormalizedPhone``,
``hasUserWithNormalizedPhone``): a national part written with or without its leading ``0`` is one number —
for password sign-in by phone and for the "already in use" check of a profile's phone."""

from __future__ import annotations

import httpx
import pytest
from logto_support import auth_url

from fake_logto import Running
from fake_logto._clock import Clock
from fake_logto._config import SeedUser, TenantConfig
from fake_logto._errors import LogtoError
from fake_logto._phone_numbers import normalized_forms
from fake_logto._profile import stage
from fake_logto._store import Interaction, TenantStore
from harness import ExperienceClient, ExperienceError

AU, AU_ZERO = "61412345678", "610412345678"
PHONE_PASSWORD = {
    "identifier": "phone",
    "password": True,
    "verificationCode": False,
    "isPasswordPrimary": True,
}
USERNAME_PASSWORD = {**PHONE_PASSWORD, "identifier": "username"}


@pytest.mark.parametrize(
    ("phone", "forms"),
    [
        (AU, (AU, AU_ZERO)),
        (AU_ZERO, (AU, AU_ZERO)),
        ("+61 412 345 678", (AU, AU_ZERO)),
        ("390612345678", ("390612345678", "3900612345678")),  # Italy keeps its leading zero
        ("12", None),
        ("not a phone", None),
    ],
)
def test_the_two_stored_forms(phone: str, forms: tuple[str, str] | None) -> None:
    assert normalized_forms(phone) == forms


def _store(*phones: str) -> TenantStore:
    store = TenantStore(TenantConfig, Clock())
    for phone in phones:
        store.create_user(SeedUser(phone=phone))
    return store


def test_a_user_is_found_by_either_form_the_exact_one_first() -> None:
    store = _store(AU_ZERO)
    found = store.user_by("phone", AU)
    assert found is not None
    assert found.primary_phone == AU_ZERO
    both = _store(AU, AU_ZERO)  # two legacy accounts: the exact match wins
    assert [getattr(both.user_by("phone", p), "primary_phone", None) for p in (AU, AU_ZERO)] == [AU, AU_ZERO]
    assert _store("12").user_by("phone", "12") is not None  # unparsable: exact match only
    assert _store("12").user_by("phone", "012") is None


@pytest.mark.parametrize(
    ("existing", "new"), [("4915112345678", "49015112345678"), ("49015112345678", "4915112345678")]
)
def test_a_profile_phone_used_by_another_user_in_the_other_form_is_refused(existing: str, new: str) -> None:
    store = _store(existing)
    interaction = Interaction(uid="i", client_id="c", params={}, created_at=0, expires_at=1)
    with pytest.raises(LogtoError) as caught:
        stage(store, interaction, None, {"primaryPhone": new})
    assert (caught.value.status, caught.value.code) == (422, "user.phone_already_in_use")
    assert interaction.profile == {}


@pytest.mark.parametrize(("registered", "typed"), [(AU, AU_ZERO), (AU_ZERO, AU), (AU, AU)])
def test_password_sign_in_by_phone_in_either_form(
    api: httpx.Client, mgmt: Running, registered: str, typed: str
) -> None:
    sign_up = {"identifiers": ["username"], "password": True, "verify": False}
    methods = {"signUp": sign_up, "signIn": {"methods": [USERNAME_PASSWORD, PHONE_PASSWORD]}}
    assert api.patch("/sign-in-exp", json=methods).status_code == 200
    created = api.post("/users", json={"primaryPhone": registered, "password": "phone pass 123"})
    assert created.status_code == 200, created.text
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        with pytest.raises(ExperienceError) as caught:
            client.verify_password("phone", typed, "wrong pass 123")
        assert caught.value.code == "session.invalid_credentials"
        assert client.identify(client.verify_password("phone", typed, "phone pass 123")) == 204
