"""The continue pages: where the sign-in UI asks for an identifier the account must have and lacks.

Logto's experience app (``packages/experience/src/pages/Continue``) answers ``user.missing_profile`` by
its first ``data.missingProfile`` value (``hooks/use-required-profile-error-handler.ts``):
``/continue/username`` (``SetUsername``), ``/continue/email``, ``/continue/phone`` and
``/continue/emailOrPhone`` (``SetEmailOrPhone``), ``/continue/password`` (:mod:`._pages`). A social
sign-up carries ``?link_social=<connectorId>`` along.

- The username page stages ``POST /api/experience/profile`` ``{type: username}``; a username in use shows
  the API's message in the form. The texts are ``description.enter_username`` and
  ``enter_username_description``, or ``enter_username_policy_description`` with the requirements of a
  restrictive username policy (``shared/utils/username-policy-description.ts``).
- The email and phone pages send a code for the interaction's event and go on to
  ``/continue/verification-code`` (``hooks/use-send-verification-code.ts``), whose script stages
  ``{type: email|phone, verificationId}`` (``containers/VerificationCode/use-continue-flow-code-
  verification.ts``). An identifier in use opens Logto's dialogs: "Link and continue" when a social
  sign-up is linking (``use-link-social-confirm-modal.ts``: sign in by the code, stage ``{type: social}``,
  submit), "Sign in" on a registration that signs in by code, else the "try another" alert.

After the profile, a Register interaction identifies (creates the account) and submits; a SignIn one
submits (``apis/experience/index.ts`` ``fulfillProfile``, ``updateProfileWithVerificationCode``). The
pages only render; ``static/experience.js`` takes every step through the Experience API.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import paths
from ._config import DEFAULT_USERNAME_POLICY
from ._pages import LABELS, _context, _interaction, _tenant, _to_unknown_session, render

# SetEmailOrPhone's pageContent and formSettings (phrases-experience description.link_*); the input type.
IDENTIFIER_PAGES: dict[str, dict[str, Any]] = {
    "email": {
        "title": "Link email",
        "description": "For added security, please link your email with the account.",
        "types": ["email"],
        "input": "email",
    },
    "phone": {
        "title": "Link phone",
        "description": "For added security, please link your phone with the account.",
        "types": ["phone"],
        "input": "tel",
    },
    "emailOrPhone": {
        "title": "Link email or phone",
        "description": "For added security, please link your email or phone with the account.",
        "types": ["email", "phone"],
        "input": "text",
    },
}
USERNAME_DESCRIPTION = (  # description.enter_username_description
    "Username is an alternative for sign-in. Username should contain only letters, numbers, and underscores."
)
# description.username_character.*, in characterTypes' order
CHARACTERS = (
    ("uppercase", "uppercase letters"),
    ("lowercase", "lowercase letters"),
    ("numbers", "numbers"),
    ("underscore", "underscores"),
)


def _list(items: list[str]) -> str:
    """i18next's ``list`` formatter in English (Intl.ListFormat conjunction)."""
    if len(items) <= 2:
        return " and ".join(items)
    return f"{', '.join(items[:-1])}, and {items[-1]}"


def username_requirements(policy: dict[str, Any]) -> str | None:
    """``buildUsernamePolicyDescription``: the policy's requirements in words, ``None`` for a policy no
    stricter than the default."""
    default = DEFAULT_USERNAME_POLICY
    length = policy["minLength"] > default["minLength"] or policy["maxLength"] < default["maxLength"]
    allowed = policy["allowedChars"]
    chars = any(not allowed[key] for key, _ in CHARACTERS)
    if not (length or chars):
        return None
    items = []
    if length:
        items.append(f"must be {policy['minLength']} to {policy['maxLength']} characters")
    if chars:
        items.append(f"can only contain {_list([name for key, name in CHARACTERS if allowed[key]])}")
    return f"Username {_list(items)}."


def _page(
    template: str, page: str, extra: Callable[[Request], dict[str, Any]]
) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request) -> Response:
        interaction = _interaction(request)
        if interaction is None:
            return _to_unknown_session(request, None)
        values = extra(request)
        script = {"linkSocial": request.query_params.get("link_social"), **values.pop("script", {})}
        return render(request, template, {**_context(request, interaction, page, **script), **values})

    handler.__name__ = f"{page.replace('-', '_')}_page"
    return handler


def _username(request: Request) -> dict[str, Any]:
    requirements = username_requirements(_tenant(request).config.sign_in_experience.username_policy)
    description = (
        f"Username is an alternative for sign-in. {requirements}" if requirements else USERNAME_DESCRIPTION
    )
    return {"title": "Set username", "description": description}


def _identifier(kind: str) -> Callable[[Request], dict[str, Any]]:
    settings = IDENTIFIER_PAGES[kind]

    def extra(_request: Request) -> dict[str, Any]:
        label = " / ".join(LABELS[t] for t in settings["types"])
        return {**settings, "label": label, "script": {"missing": kind, "types": settings["types"]}}

    return extra


ROUTES = [
    ("GET", paths.CONTINUE_USERNAME, _page("continue_username.html", "continue-username", _username)),
    *(
        ("GET", path, _page("continue_identifier.html", "continue-identifier", _identifier(kind)))
        for path, kind in (
            (paths.CONTINUE_EMAIL, "email"),
            (paths.CONTINUE_PHONE, "phone"),
            (paths.CONTINUE_EMAIL_OR_PHONE, "emailOrPhone"),
        )
    ),
]
