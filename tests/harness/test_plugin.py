"""The pytest plugin, exercised through ``pytester``: fixtures, marker, config options, xdist isolation,
and the message a missing email gives."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]
# In-process inner runs must not nest pytest-playwright's per-test assertion scope in ours.
# An in-process inner run shares the outer process's garbage collector: an object another test of this
# worker left behind (seen: an unclosed AF_UNIX socket) may be collected during it and reported as the
# inner test's error; the outer session reports such leaks itself, so the inner runs do not.
INNER = ("-p", "no:playwright", "-p", "no:cacheprovider", "-p", "no:unraisableexception")

SEND = """
import httpx

def send(harness, to, text):
    with httpx.Client(base_url=harness.mailgun_url, auth=("api", harness.config.mailgun_api_key)) as http:
        data = {"from": "a@example.test", "to": to, "subject": "code", "text": text}
        http.post(f"/v3/{harness.config.mailgun_domains[0]}/messages", data=data).raise_for_status()
"""


def test_fixtures_give_a_running_harness(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        SEND
        + """
import httpx

def test_code_arrives(harness, mailbox, email_address, logto_control):
    send(harness, email_address, "Your code is 424242")
    assert mailbox.wait_for_code(email_address, timeout=5) == "424242"
    discovery = httpx.get(harness.logto_endpoint + "/oidc/.well-known/openid-configuration").json()
    assert discovery["issuer"] == harness.logto_endpoint + "/oidc"
    assert logto_control.advance_clock(10)["offset"] >= 10

def test_addresses_differ(email_address, request):
    assert email_address.endswith("@example.test")
    assert "test-addresses-differ" in email_address
"""
    )
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(passed=2)


def test_config_option_ini_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml", other='[mailgun]\ndomains = ["marked.test"]\n', main='[mailgun]\ndomains = ["main.test"]\n'
    )
    pytester.makeini("[pytest]\nharness_config = main.toml\n")
    pytester.makepyfile(
        """
import pytest

def test_default_from_ini(harness):
    assert harness.config.mailgun_domains == ("main.test",)

@pytest.mark.harness(config="other.toml")
def test_marked(harness):
    assert harness.config.mailgun_domains == ("marked.test",)

def test_same_session_harness(harness, harness_client):
    assert harness.client is harness_client
"""
    )
    pytester.runpytest(*INNER, "--strict-markers").assert_outcomes(passed=3)
    # The command-line option wins over the ini option.
    result = pytester.runpytest(*INNER, "--harness-config", "other.toml", "-k", "default_from_ini")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*marked.test*"])


def test_xdist_workers_never_read_each_others_codes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        SEND
        + """
import pytest

@pytest.mark.parametrize("n", range(12))
def test_isolated(harness, mailbox, email_address, n):
    code = f"{700000 + n}"
    send(harness, email_address, f"Your code is {code}")
    assert mailbox.wait_for_code(email_address, timeout=10) == code
    assert [m["to"] for m in mailbox.messages(email_address)] == [[email_address]]
"""
    )
    result = pytester.runpytest_subprocess("-n", "3", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=12)


def test_missing_email_says_what_was_sent_instead(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        SEND
        + """
def test_waits_for_the_wrong_address(harness, mailbox, email_address):
    send(harness, "someone-else@example.test", "Your code is 135790")
    mailbox.wait_for_code(email_address, timeout=0.5)
"""
    )
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*MailboxTimeout: no message to test-waits-for-the-wrong-*@example.test arrived within 0.5 s.",
            "*The mailbox holds, newest first:",
            "*to someone-else@example.test: 'code' code 135790",
        ]
    )


def test_marker_starts_a_sample_app(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import httpx
import pytest

@pytest.mark.harness(app="python")
def test_app_is_up(harness):
    assert harness.app_url.startswith("http://localhost:")
    home = httpx.get(harness.app_url + "/")
    assert "You are not signed in." in home.text
    start = httpx.get(harness.app_url + "/sign-in")
    assert start.headers["location"].startswith(harness.logto_endpoint + "/oidc/auth?")

def test_no_app_by_default(harness):
    assert harness.app_url is None
"""
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=2)


def test_settings_by_marker_option_ini_and_file(pytester: pytest.Pytester) -> None:
    """Every setting is a marker argument, a command-line option and an ini option of the same name:
    marker > option > ini > file > default; a port given is used, one not given is a free one."""
    pytester.makefile(".toml", main='[mailgun]\ndomains = ["file.test"]\napi_key = "key-file"\n')
    pytester.makeini(
        "[pytest]\nharness_config = main.toml\nharness_mailgun_api_key = key-ini\n"
        "harness_mailgun_domains = ini.test\n"
    )
    pytester.makepyfile(
        """
import pytest

def test_option_over_ini_over_file(harness):
    assert harness.config.mailgun_domains == ("option.test",)
    assert harness.config.mailgun.api_key == "key-ini"
    assert harness.config.logto_port == 0, "not given: a free port"
    assert harness.logto.port != 3001

@pytest.mark.harness(mailgun_domains=["marker.test"], mailgun_smtp_port=-1, logto_endpoint="http://127.0.0.1:1")
def test_marker_over_option(harness):
    assert harness.config.mailgun_domains == ("marker.test",)
    assert harness.mailgun.smtp_port is None
    assert harness.logto_endpoint == "http://127.0.0.1:1"

@pytest.mark.harness(colour="red")
def test_unknown_argument(harness):
    pass
"""
    )
    result = pytester.runpytest(*INNER, "--strict-markers", "--harness-mailgun-domains", "option.test")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.harness(colour=…): no such setting; the settings are config, host*"]
    )


def test_every_setting_is_a_plugin_option(pytester: pytest.Pytester) -> None:
    from harness._config import OPTIONS

    result = pytester.runpytest(*INNER, "--help")
    help_text = result.stdout.str()
    for opt in OPTIONS:
        assert "--harness-" + opt.name.replace("_", "-") in help_text
        assert f"harness_{opt.name} " in help_text, "the ini option"
    markers = pytester.runpytest(*INNER, "--markers").stdout.str()
    assert all(f"{opt.name}=…" in markers for opt in OPTIONS)


def test_sign_in_experience_changes_one_test_only(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import httpx

EMAIL = {"identifier": "email", "password": True, "verificationCode": True, "isPasswordPrimary": True}

def _methods(harness):
    return httpx.get(harness.logto_endpoint + "/api/.well-known/sign-in-exp").json()["signIn"]["methods"]

def test_a_enables_passwords(harness, sign_in_experience):
    assert _methods(harness)[0]["password"] is False
    row = sign_in_experience({"signIn": {"methods": [EMAIL]}})
    assert row["signIn"]["methods"] == [EMAIL]
    assert _methods(harness) == [EMAIL]

def test_b_sees_the_configured_tenant(harness):
    assert [m["password"] for m in _methods(harness)] == [False]
"""
    )
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(passed=2)


def test_a_refused_sign_in_experience_is_logtos_refusal(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import pytest
from harness import APIError

def test_refused(sign_in_experience):
    method = {"identifier": "email", "password": False, "verificationCode": False, "isPasswordPrimary": False}
    with pytest.raises(APIError, match="400: You have to select at least one authentication factor"):
        sign_in_experience({"signIn": {"methods": [method]}})
"""
    )
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(passed=1)


def test_tenant_settings_change_one_test_and_the_next_sees_the_configured_tenant(
    pytester: pytest.Pytester,
) -> None:
    """Two tests in order in one session (one harness): the first changes the sign-in experience and the
    code policy — by ``tenant_settings`` and by the Management API —, the second sees the configured ones."""
    pytester.makepyfile(
        """
import httpx
import pytest
from harness import ConfigError, UsageError

def _public(harness):
    return httpx.get(harness.logto_endpoint + "/api/.well-known/sign-in-exp").json()

def test_a_changes_the_tenant(harness, tenant_settings, management_api):
    assert [m["password"] for m in _public(harness)["signIn"]["methods"]] == [False]
    tenant_settings(
        sign_in_experience={"sign_in": [{"identifier": "email", "verification_code": True, "password": True}]},
        code_policy={"length": 8},
    )
    assert [m["password"] for m in _public(harness)["signIn"]["methods"]] == [True]
    assert harness.logto.tenant.config.code_policy.length == 8
    management_api.sign_in_exp.update(signInMode="SignIn")
    assert _public(harness)["signInMode"] == "SignIn"
    with pytest.raises(ConfigError, match=r"^tenant\\.code_policy\\.length: must be between 4 and 10$"):
        tenant_settings(code_policy={"length": 2})
    with pytest.raises(UsageError, match="tenant setting users: not one fake_logto reads while it runs"):
        tenant_settings(users=[])

def test_b_sees_the_configured_tenant(harness):
    public = _public(harness)
    assert [m["password"] for m in public["signIn"]["methods"]] == [False]
    assert public["signInMode"] == "SignInAndRegister"
    assert harness.logto.tenant.config.code_policy.length == 6
"""
    )
    result = pytester.runpytest(*INNER)
    result.assert_outcomes(passed=2)


def test_management_api_and_webhook_receiver_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
import hashlib
import hmac
import uuid

def test_management_api(management_api):
    email = f"fixture-{uuid.uuid4().hex[:8]}@example.test"
    user = management_api.users.create(primaryEmail=email)
    assert management_api.users.list(search=email) == [management_api.users.get(user["id"])]

def test_webhook_receiver(harness, webhook_receiver):
    hook = webhook_receiver.register("PostRegister")
    assert [h.id for h in harness.logto.tenant.config.hooks] == [hook["id"]]
    import httpx
    body = b'{"event":"PostRegister"}'
    signature = hmac.new(hook["signingKey"].encode(), body, hashlib.sha256).hexdigest()
    httpx.post(webhook_receiver.url, content=body, headers={"logto-signature-sha-256": signature})
    delivery = webhook_receiver.wait(event="PostRegister", timeout=5)
    assert hmac.compare_digest(delivery.signature, signature)

def test_the_hook_left_with_the_test(harness):
    assert harness.logto.tenant.config.hooks == ()
"""
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=3)
