"""The OpenAPI operations of ``GET``/``PATCH /api/sign-in-exp`` (:mod:`._management_sign_in_exp`), as Logto's
``packages/core/src/routes/sign-in-experience/index.openapi.json`` describes them, and of
``POST /api/sentinel-activities/delete`` (:mod:`._management_sentinel`, ``routes/sentinel-activities.openapi.json``)."""

from __future__ import annotations

from typing import Any

from . import paths
from ._management_sign_in_exp import KEYS as SIGN_IN_EXP_KEYS
from ._openapi_management import OBJECT, SCHEMAS, api_op
from ._openapi_shapes import STRING, Operation, json_answer, logto_error, obj

SIGN_IN_EXP_ROW: dict[str, Any] = obj(
    {key: {} for key in SIGN_IN_EXP_KEYS}
    | {
        "signUp": obj({"identifiers": {"type": "array", "items": STRING}}, "identifiers"),
        "signIn": obj({"methods": {"type": "array", "items": OBJECT}}, "methods"),
        "signInMode": {"type": "string", "enum": ["SignInAndRegister", "SignIn", "Register"]},
    },
    *SIGN_IN_EXP_KEYS,
)
SCHEMAS["ManagementSignInExperience"] = SIGN_IN_EXP_ROW
FLAG = {"type": "boolean"}
NUMBER = {"type": "number"}
SIGN_IN_EXP_PATCH = obj(
    {
        "signIn": obj({"methods": {"type": "array", "items": OBJECT}}, "methods"),
        "signUp": obj(
            {"identifiers": {"type": "array", "items": STRING}, "password": FLAG, "verify": FLAG},
            "identifiers",
            "password",
            "verify",
        ),
        "signInMode": {"type": "string", "enum": ["SignInAndRegister", "SignIn", "Register"]},
        "forgotPasswordMethods": {"type": "array", "items": STRING},
        "sentinelPolicy": obj({"maxAttempts": NUMBER, "lockoutDuration": NUMBER}),
        "emailBlocklistPolicy": obj(
            {
                "blockDisposableAddresses": FLAG,
                "blockSubaddressing": FLAG,
                "customAllowlist": {"type": "array", "items": STRING},
                "customBlocklist": {"type": "array", "items": STRING},
            }
        ),
    }
)


def operations() -> dict[tuple[str, str], Operation]:
    answer = {"200": json_answer("the sign-in experience", "ManagementSignInExperience")}
    get = api_op("GetSignInExp", "Get the sign-in experience", answer)
    patch = api_op(
        "UpdateSignInExp",
        "Update the sign-in experience; applies at once to the pages and the Experience API",
        answer
        | {
            "400": logto_error(
                "guard.invalid_input (also for a column fake_logto does not apply), "
                "sign_in_experiences.*: a sign-up or sign-in Logto refuses"
            )
        },
        SIGN_IN_EXP_PATCH,
    )
    for operation in (get, patch):
        operation["description"] = "Logto's ``packages/core/src/routes/sign-in-experience/index.ts``."
        operation["parameters"] = []
    return {
        ("GET", paths.MANAGEMENT_SIGN_IN_EXP): get,
        ("PATCH", paths.MANAGEMENT_SIGN_IN_EXP): patch,
        ("POST", paths.MANAGEMENT_SENTINEL_ACTIVITIES_DELETE): _unblock(),
    }


def _unblock() -> Operation:
    """``POST /api/sentinel-activities/delete`` (:mod:`._management_sentinel`)."""
    body = obj(
        {
            "targetType": {"type": "string", "enum": ["User", "App"]},
            "targets": {"type": "array", "items": STRING},
        },
        "targetType",
        "targets",
    )
    operation = api_op(
        "CreateSentinelActivityDeletion",
        "Bulk delete sentinel activities: unblock identifiers locked out by too many failed attempts",
        {
            "204": {"description": "Activities deleted successfully."},
            "400": logto_error("guard.invalid_input"),
        },
        body,
    )
    operation["description"] = "Logto's ``packages/core/src/routes/sentinel-activities.ts``."
    operation["parameters"] = []
    return operation
