"""Changing a running harness's tenant settings for one test, and putting them back.

A setting is given as harness.toml's ``[tenant]`` table of that name (``sign_in_experience``,
``code_policy``, ``hooks``), read by the same reader as the file (a wrong one raises
:class:`~._errors.ConfigError` naming ``tenant.<field>``), and replaces the running tenant's at once:
fake_logto reads these from its config on every request, as Logto reads its ``sign_in_experiences`` and
``hooks`` rows. What fake_logto keeps in its store instead (users, roles, organizations, applications
and resources as the Management API changes them) is not a setting here: change it through the
Management API.

Works on a harness started in this process (``start_harness``, the pytest plugin): it swaps the frozen
``TenantConfig`` the server reads, in one assignment, as fake_logto's own ``PATCH /api/sign-in-exp`` does.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from ._errors import ConfigError, UsageError

if TYPE_CHECKING:
    from fake_logto import TenantConfig

    from ._harness import Harness

# The [tenant] tables fake_logto reads on every request (the field of TenantConfig of the same name).
LIVE = ("sign_in_experience", "code_policy", "hooks")


def current(harness: Harness) -> TenantConfig:
    """The tenant config the running fake_logto answers with now."""
    return harness.logto.tenant.config


def put_back(harness: Harness, config: TenantConfig) -> None:
    """Make ``config`` (one :func:`current` gave) the running tenant's again."""
    harness.logto.tenant.config = config


def parsed(harness: Harness, **tables: Any) -> TenantConfig:
    """The harness's tenant with these ``[tenant]`` tables replaced, read as harness.toml's would be."""
    unknown = sorted(set(tables) - set(LIVE))
    if unknown:
        raise UsageError(
            f"tenant setting {', '.join(unknown)}: not one fake_logto reads while it runs (these are "
            f"{', '.join(LIVE)}); change users, roles, organizations and applications through the "
            "Management API (management_api)"
        )
    config = dataclasses.replace(harness.config, tenant={**harness.config.tenant, **tables})
    try:
        spa = harness.app is not None and harness.app.name == "spa"
        return config.tenant_config(harness.mailgun_url, harness.app_url, spa=spa)
    except ConfigError as exc:
        raise ConfigError(f"tenant.{exc}") from exc


def change(harness: Harness, **tables: Any) -> TenantConfig:
    """Replace the running tenant's settings named by ``tables`` (see the module docstring); the rest of
    its state — and what the Management API changed in other settings — stays. Returns the new config."""
    fresh = parsed(harness, **tables)
    config = dataclasses.replace(current(harness), **{name: getattr(fresh, name) for name in tables})
    put_back(harness, config)
    return config
