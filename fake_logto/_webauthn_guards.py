"""The zod guards of the WebAuthn routes' ``payload`` (``packages/schemas/src/types/interactions.ts``):
``bindWebAuthnPayloadGuard`` (a registration: ``response.attestationObject``) and
``webAuthnVerificationPayloadGuard`` (an assertion: ``response.authenticatorData``, ``signature``). A
refusal is ``guard.invalid_input`` with the first zod issue (:mod:`._guards`); unknown keys are stripped,
so what the checks see is what Logto hands ``@simplewebauthn/server``.
"""

from __future__ import annotations

from typing import Any

from . import _guards

TRANSPORTS = ("usb", "nfc", "ble", "internal", "cable", "hybrid", "smart-card")  # webAuthnTransportGuard
ATTACHMENTS = ("cross-platform", "platform")


def _literal(obj: dict[str, Any], path: str, expected: str) -> None:
    """``z.literal(expected)``: zod's ``invalid_literal`` (a missing key too)."""
    key = path.rpartition(".")[2]
    if obj.get(key) != expected or key not in obj:
        extra = {"received": obj[key]} if key in obj else {}
        message = f'Invalid literal value, expected "{expected}"'
        raise _guards.invalid(path, "invalid_literal", message, expected=expected, **extra)


def _strings(
    obj: dict[str, Any], prefix: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in required:
        out[key] = _guards.field(obj, f"{prefix}.{key}", str)
    for key in optional:
        value = _guards.optional(obj, f"{prefix}.{key}", str)
        if value is not None:
            out[key] = value
    return out


def _extensions(payload: dict[str, Any]) -> dict[str, Any]:
    """``clientExtensionResults``: ``{appid?, crepProps?: {rk?}, hmacCreateSecret?}``."""
    results: dict[str, Any] = _guards.field(payload, "payload.clientExtensionResults", dict)
    out: dict[str, Any] = {}
    for key in ("appid", "hmacCreateSecret"):
        value = _guards.optional(results, f"payload.clientExtensionResults.{key}", bool)
        if value is not None:
            out[key] = value
    props = _guards.optional(results, "payload.clientExtensionResults.crepProps", dict)
    if props is not None:
        rk = _guards.optional(props, "payload.clientExtensionResults.crepProps.rk", bool)
        out["crepProps"] = {} if rk is None else {"rk": rk}
    return out


def _payload(body: dict[str, Any], response_guard: Any) -> dict[str, Any]:
    payload: dict[str, Any] = _guards.field(body, "payload", dict)
    _literal(payload, "payload.type", "WebAuthn")
    out = _strings(payload, "payload", ("id", "rawId"), ())
    response: dict[str, Any] = _guards.field(payload, "payload.response", dict)
    out["response"] = response_guard(response)
    attachment = _guards.choice(payload, "payload.authenticatorAttachment", ATTACHMENTS, optional=True)
    if attachment is not None:
        out["authenticatorAttachment"] = attachment
    out["clientExtensionResults"] = _extensions(payload)
    return out


def _registration_response(response: dict[str, Any]) -> dict[str, Any]:
    out = _strings(
        response, "payload.response", ("clientDataJSON", "attestationObject"), ("authenticatorData",)
    )
    transports: list[Any] | None = _guards.optional(response, "payload.response.transports", list)
    if transports is not None:
        for i, transport in enumerate(transports):
            _guards.choice({str(i): transport}, f"payload.response.transports.{i}", TRANSPORTS)
        out["transports"] = list(transports)
    if "publicKeyAlgorithm" in response:  # z.number().optional()
        algorithm = response["publicKeyAlgorithm"]
        if isinstance(algorithm, bool) or not isinstance(algorithm, int | float):
            raise _guards.invalid_type("payload.response.publicKeyAlgorithm", "number", algorithm)
        out["publicKeyAlgorithm"] = algorithm
    out.update(_strings(response, "payload.response", (), ("publicKey",)))
    return out


def _authentication_response(response: dict[str, Any]) -> dict[str, Any]:
    required = ("clientDataJSON", "authenticatorData", "signature")
    return _strings(response, "payload.response", required, ("userHandle",))


def registration_payload(body: dict[str, Any]) -> dict[str, Any]:
    """``bindWebAuthnPayloadGuard`` on ``body["payload"]``."""
    return _payload(body, _registration_response)


def authentication_payload(body: dict[str, Any]) -> dict[str, Any]:
    """``webAuthnVerificationPayloadGuard`` on ``body["payload"]``."""
    return _payload(body, _authentication_response)
