"""What ``harness sign-in`` and ``POST /__harness/sign-in`` take: one frozen dataclass whose fields are the
command's flags and the endpoint's body keys (settings defined once). Kept free of heavy imports, so that
building the CLI's parser loads no web stack."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_TIMEOUT = 600.0


@dataclass(frozen=True, kw_only=True)
class SignInRequest:
    """What to sign in: each field is a ``harness sign-in`` flag (``app_url`` ↔ ``--app-url``) and a key
    of ``POST /__harness/sign-in``'s JSON body, with the one default written here."""

    app_url: str = field(metadata={"help": "where the app answers, e.g. http://localhost:3000"})
    email: str = field(metadata={"help": "the user's email address"})
    register: bool = field(
        default=False, metadata={"help": "register a new user (default: sign in an existing one)"}
    )
    password: str | None = field(
        default=None,
        metadata={
            "help": "sign in by password instead of an email code; with --register, the new user's password"
        },
    )
    sign_in_path: str = field(
        default="/sign-in", metadata={"help": "the app's route that starts sign-in (a redirect to Logto)"}
    )
    timeout: float = field(default=30.0, metadata={"help": "seconds to wait for the code's mail"})
    spa_app_id: str | None = field(
        default=None,
        metadata={
            "help": "a single-page app: its Logto application id (a public client). The sign-in runs as "
            "@logto/browser's (PKCE, from the app's origin; no app route is called) and the tokens go "
            "into the storage state's localStorage for the app's origin"
        },
    )

    def __post_init__(self) -> None:
        if urlsplit(self.app_url).scheme not in ("http", "https") or not urlsplit(self.app_url).netloc:
            raise ValueError(f"app_url: not an http(s) URL: {self.app_url!r}")
        if not self.sign_in_path.startswith("/"):
            raise ValueError(f"sign_in_path: must start with /: {self.sign_in_path!r}")
        if self.spa_app_id is not None and self.password is not None:
            raise ValueError(
                "spa_app_id: a single-page app's sign-in here is by email code, without a password"
            )
        if not 0 < self.timeout <= MAX_TIMEOUT:  # NaN fails too
            raise ValueError(f"timeout: must be more than 0 and at most {MAX_TIMEOUT:g} seconds")
