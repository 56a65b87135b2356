"""``[[social_connectors]]``: the social connectors a tenant starts with, so that the sign-in pages show
"Continue with Google" without a Management API call, and the stand-in's preset identity of each.

```toml
[[social_connectors]]
target = "google"              # google | github | mock-social
id = "google"                  # the row id (``/callback/<id>``); default: the target
name = "Google Workspace"      # optional: the row's ``metadata.name.en`` (over the factory's)
logo = "https://…/logo.svg"    # optional: the row's ``metadata.logo``
sync_profile = false
client_id = "…"                # optional; the stand-in checks the client id, not the secret
client_secret = "…"
[social_connectors.identity]   # optional: who the provider answers with, no page (or deny = true)
id = "g-100"
email = "ann@example.com"
```

A row is what ``POST /api/connectors`` would create (:mod:`._management_connectors`) with the row's own
``metadata`` column merged over the factory's as Logto's ``getLogtoConnectors`` merges it
(``packages/core/src/libraries/connector.ts``); the targets, in this order, are the sign-in experience's
``socialSignInConnectorTargets``. ``POST /__harness/reset`` restores the rows and the presets.
"""

from __future__ import annotations

from typing import Any

from ._config import ConfigError, SocialConnectorSeed
from ._config_reader import Reader, unique

# target -> the factory (its ``constant.ts`` id) the table creates: the seeded targets of
# ``_social_connectors.FACTORIES``, written out so that reading a harness.toml loads no web stack (the CLI's
# pre-spawn import test); tests/fake_logto/test_social_config.py checks that the two agree.
FACTORY_OF = {
    "mock-social": "mock-social-connector",
    "google": "google-universal",
    "github": "github-universal",
}
TARGET_OF = {factory_id: target for target, factory_id in FACTORY_OF.items()}


_IDENTITY_KEYS = ("id", "email", "email_verified", "name", "avatar", "phone", "raw", "deny")


def _identity(r: Reader, target: str) -> dict[str, Any] | None:
    if "identity" not in r.data:
        r.used.add("identity")
        return None
    table = r.table("identity")
    for key in _IDENTITY_KEYS:
        table.used.add(key)
    table.done()
    if target == "mock-social":
        raise ConfigError(f"{table.path}: the mock social connector has no provider page to preset")
    from fakekit import ControlError

    from ._social_identity import read_identity

    try:
        read_identity(target, table.data)
    except ControlError as exc:
        raise ConfigError(f"{table.path}: {exc.message}") from None
    return dict(table.data)


def _seed(r: Reader) -> SocialConnectorSeed:
    target = r.choice("target", tuple(FACTORY_OF), "google")
    metadata: dict[str, Any] = {}
    name = r.string("name")
    if name:
        metadata["name"] = {"en": name}
    logo = r.string("logo")
    if logo:
        metadata["logo"] = logo
    config = {
        "clientId": r.string("client_id", f"harness-{target}"),
        "clientSecret": r.string("client_secret", "harness-secret"),
    }
    seed = SocialConnectorSeed(
        id=r.string("id") or target,
        factory_id=FACTORY_OF[target],
        config=config,
        metadata=metadata,
        sync_profile=r.get("sync_profile", bool, False),
        identity=_identity(r, target),
    )
    r.done()
    return seed


def read_social_connectors(root: Reader) -> tuple[SocialConnectorSeed, ...]:
    """The ``[[social_connectors]]`` tables: one per target (Logto's
    ``connector.multiple_target_with_same_platform``), ids unique."""
    seeds = tuple(_seed(r) for r in root.tables("social_connectors"))
    unique([s.id for s in seeds], "social_connectors", "id")
    unique(list(targets(seeds)), "social_connectors", "target")
    return seeds


def targets(seeds: tuple[SocialConnectorSeed, ...]) -> tuple[str, ...]:
    return tuple(TARGET_OF[s.factory_id] for s in seeds)
