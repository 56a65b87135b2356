// Key rotation as jose's createRemoteJWKSet (what Logto's JS SDKs verify ID tokens with: @logto/client's
// adapter/defaults.ts) meets it. Reads LOGTO (fake_logto's endpoint) and AUDIENCE (an API resource of it);
// mints valid tokens with the harness's attack-token route, rotates the signing key (dropping the old one)
// and moves jose's clock (Date.now) past its 30 s refetch cooldown instead of sleeping. Prints
// {before, right_after, after_cooldown}: each {ok, kid} or {ok: false, code}.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

const { LOGTO, AUDIENCE } = process.env;
const control = async (path, body) => {
  const response = await fetch(LOGTO + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
};
const jwks = createRemoteJWKSet(new URL(LOGTO + '/oidc/jwks'));
const verify = async () => {
  const { token } = await control('/__harness/attack-tokens', { kind: 'valid', resource: AUDIENCE });
  try {
    await jwtVerify(token, jwks, { issuer: LOGTO + '/oidc', audience: AUDIENCE });
    return { ok: true, kid: decodeProtectedHeader(token).kid };
  } catch (error) {
    return { ok: false, code: error.code };
  }
};

const before = await verify();
const rotated = await control('/__harness/keys/rotate', { keep_previous: false });
const rightAfter = await verify();
const realNow = Date.now;
Date.now = () => realNow() + 31_000;
const afterCooldown = await verify();
console.log(JSON.stringify({ before, right_after: rightAfter, after_cooldown: afterCooldown, kid: rotated.kid }));
