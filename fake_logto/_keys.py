"""The tenant's signing key: one EC P-384 key, ES384, ``kid`` = RFC 7638 thumbprint (joserfc).

As Logto (``packages/core/src/utils/jwks.ts``): the JWKS entry is ``{kty, use, kid, alg, crv, x, y}`` with
every member a string (the Go SDK decodes JWKS into ``map[string]string``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from ._config import ConfigError

ALG = "ES384"


class SigningKey:
    def __init__(self, key: ECKey) -> None:
        self.key = key
        self.kid = key.thumbprint()

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(ECKey.generate_key("P-384", private=True))

    @classmethod
    def from_file(cls, path: str | Path) -> SigningKey:
        """Load the private JWK in ``path``, or create it there (so restarts keep one key)."""
        file = Path(path)
        if file.exists():
            try:
                key = ECKey.import_key(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError, JoseError) as exc:
                raise ConfigError(f"keys_file {path}: not a private P-384 JWK: {exc}") from exc
            if not key.is_private or key.curve_name != "P-384":
                raise ConfigError(f"keys_file {path}: not a private P-384 JWK (ES384 signs with one)")
            return cls(key)
        made = cls.generate()
        file.write_text(json.dumps(made.key.as_dict(private=True)))
        return made

    def jwks(self) -> dict[str, Any]:
        public = self.key.as_dict(private=False)
        entry = {
            "kty": "EC",
            "use": "sig",
            "kid": self.kid,
            "alg": ALG,
            "crv": public["crv"],
            "x": public["x"],
            "y": public["y"],
        }
        return {"keys": [entry]}

    def sign(self, claims: dict[str, Any], typ: str | None = "JWT") -> str:
        """A compact JWS; ``typ=None`` leaves ``typ`` out of the header (node-oidc-provider's ID tokens)."""
        header = {"alg": ALG, "typ": typ, "kid": self.kid} if typ else {"alg": ALG, "kid": self.kid}
        return jwt.encode(header, claims, self.key, algorithms=[ALG], default_type=None)

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a token this key signed, or None (bad signature, not a JWT)."""
        try:
            decoded = jwt.decode(token, self.key, algorithms=[ALG])
        except Exception:  # joserfc raises several types for malformed input
            return None
        if decoded.header.get("kid") != self.kid or not isinstance(decoded.claims, dict):
            return None  # jose's createLocalJWKSet finds no key for another kid; a JWT's claims are an object
        return dict(decoded.claims)
