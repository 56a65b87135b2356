// A resource server's access-token validation with jose (npm, the library Logto's own SDKs verify with):
// jwtVerify against the issuer's remote JWKS, checking issuer, audience, ES384 and the at+jwt type, then the
// scope the API requires. Reads JWKS_URL, ISSUER, AUDIENCE, SCOPE and TOKENS (a JSON object kind -> token);
// prints {results: {kind: {ok, code, claim}}} with jose's error code (and the failed claim), or
// "insufficient_scope" when the token is valid but lacks SCOPE.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const { JWKS_URL, ISSUER, AUDIENCE, SCOPE, TOKENS } = process.env;
const jwks = createRemoteJWKSet(new URL(JWKS_URL));
const results = {};
for (const [kind, token] of Object.entries(JSON.parse(TOKENS))) {
  try {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES384'],
      typ: 'at+jwt',
    });
    const scopes = String(payload.scope ?? '').split(' ');
    results[kind] = scopes.includes(SCOPE)
      ? { ok: true, code: null, claim: null }
      : { ok: false, code: 'insufficient_scope', claim: 'scope' };
  } catch (error) {
    results[kind] = { ok: false, code: error.code ?? String(error), claim: error.claim ?? null };
  }
}
console.log(JSON.stringify({ results }));
