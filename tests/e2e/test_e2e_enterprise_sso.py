"""Enterprise SSO from each sample app: the "Sign in" link, an email of the tenant's SSO domain, the
identity provider stand-in (its preset identity, from harness.toml's ``[[tenant.sso_connectors]]``), and
back to the app signed in as that identity's email. One harness per app, as written in a harness.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_support import SIGN_IN, expect_signed_in, follow, open_home
from playwright.sync_api import Page

from harness import HarnessConfig, load_harness_config
from harness._harness import Harness

EMAIL = "pat@acme.test"
HARNESS_TOML = f"""\
[[tenant.sso_connectors]]
id = "acme"
name = "Acme"
domains = ["acme.test"]

[tenant.sso_connectors.identity]
id = "acme-employee-1"
email = "{EMAIL}"
name = "Pat"
"""


@pytest.fixture(scope="module")
def harness_config(tmp_path_factory: pytest.TempPathFactory) -> HarnessConfig:
    path = Path(tmp_path_factory.mktemp("enterprise-sso")) / "harness.toml"
    path.write_text(HARNESS_TOML, encoding="utf-8")
    return load_harness_config(path)


def test_an_enterprise_email_signs_in_at_its_identity_provider(page: Page, app_harness: Harness) -> None:
    assert app_harness.app_url is not None
    open_home(page, app_harness.app_url)
    follow(page, "Sign in", SIGN_IN)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_role("button", name="Single Sign-On").click()
    expect_signed_in(page, app_harness.app_url, EMAIL)
