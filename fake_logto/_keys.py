"""The tenant's signing keys: EC P-384, ES384, ``kid`` = RFC 7638 thumbprint (joserfc).

As Logto (``packages/core/src/utils/jwks.ts``): the JWKS entry is ``{kty, use, kid, alg, crv, x, y}`` with
every member a string (the Go SDK decodes JWKS into ``map[string]string``).

One key signs (the current one); :meth:`SigningKey.rotate` makes a new one current, as Logto's immediate
rotation (``POST /api/configs/oidc/private-keys/rotate``, ``packages/core/src/libraries/
oidc-private-key.ts``): the new key first, the previous one kept after it — the JWKS then lists both and
tokens the old key signed still verify — or, with ``keep_previous=False``, dropped.

A generated key is made on its first use (the first token, JWKS or verification), not at start: discovery
needs none, and joserfc with cryptography is about a sixth of the start's imports (issue 20).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._config import ConfigError

if TYPE_CHECKING:
    from joserfc.jwk import ECKey

ALG = "ES384"


def _new_key() -> ECKey:
    from joserfc.jwk import ECKey  # joserfc and cryptography: loaded by the first use, not at start

    return ECKey.generate_key("P-384", private=True)


class SigningKey:
    def __init__(self, key: ECKey | None = None) -> None:
        """``key``: the current key; none: a new one, made on first use."""
        # The current key first (replaced whole: readers need no lock); None until a new key is made.
        self._made = None if key is None else [key]
        self._making = threading.Lock()

    @property
    def _keys(self) -> list[ECKey]:
        keys = self._made
        if keys is None:
            with self._making:  # one key, whichever thread asks first
                if self._made is None:
                    self._made = [_new_key()]
                keys = self._made
        return keys

    @property
    def keyring(self) -> object:
        """What a rotation replaces, for comparison by identity (None before a new key is made)."""
        return self._made

    @property
    def key(self) -> ECKey:
        return self._keys[0]

    @property
    def kid(self) -> str:
        return self.key.thumbprint()

    def key_for(self, kid: object) -> ECKey | None:
        """The key of the JWKS with this ``kid`` (the current or the kept previous one), if any."""
        return next((key for key in self._keys if key.thumbprint() == kid), None)

    def rotate(self, keep_previous: bool = True) -> list[str]:
        """A new current key; the previous one kept after it or dropped. Answers the JWKS's kids."""
        new = _new_key()
        self._made = [new, self.key] if keep_previous else [new]
        return [key.thumbprint() for key in self._made]

    @classmethod
    def generate(cls) -> SigningKey:
        return cls()

    @classmethod
    def from_file(cls, path: str | Path) -> SigningKey:
        """Load the private JWK in ``path``, or create it there (so restarts keep one key)."""
        from joserfc.errors import JoseError
        from joserfc.jwk import ECKey

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
        return {"keys": [public_jwk(key) for key in self._keys]}

    def sign(self, claims: dict[str, Any], typ: str | None = "JWT") -> str:
        """A compact JWS; ``typ=None`` leaves ``typ`` out of the header (node-oidc-provider's ID tokens)."""
        from joserfc import jwt

        header = {"alg": ALG, "typ": typ, "kid": self.kid} if typ else {"alg": ALG, "kid": self.kid}
        return jwt.encode(header, claims, self.key, algorithms=[ALG], default_type=None)

    def verify(self, token: str) -> dict[str, Any] | None:
        """The claims of a token one of the JWKS's keys signed (found by ``kid``, as jose's
        createLocalJWKSet finds it), or None (another kid, a bad signature, not a JWT)."""
        from joserfc import jws, jwt

        try:
            kid = jws.extract_compact(token.encode()).protected.get("kid")
            key = self.key_for(kid)
            if key is None:
                return None
            decoded = jwt.decode(token, key, algorithms=[ALG])
        except Exception:  # joserfc raises several types for malformed input
            return None
        if not isinstance(decoded.claims, dict):
            return None  # a JWT's claims are an object
        return dict(decoded.claims)


def public_jwk(key: ECKey) -> dict[str, Any]:
    """A key's JWKS entry, in Logto's member order."""
    public = key.as_dict(private=False)
    return {
        "kty": "EC",
        "use": "sig",
        "kid": key.thumbprint(),
        "alg": ALG,
        "crv": public["crv"],
        "x": public["x"],
        "y": public["y"],
    }
