// Drive the official Logto Node SDK (@logto/node, unmodified) against a Logto endpoint over real sockets.
//
//   LOGTO_ENDPOINT=http://localhost:PORT LOGTO_APP_ID=app LOGTO_APP_SECRET=secret \
//   LOGTO_REDIRECT_URI=http://localhost:3000/callback LOGTO_SCOPES='email read:books' \
//   LOGTO_RESOURCES=https://api.test LOGTO_EMAIL=user@example.test MG_URL=http://127.0.0.1:PORT \
//   [LOGTO_ORGANIZATION_ID=org LOGTO_OTHER_ORGANIZATION_ID=org2] node logto_node_sign_in.mjs SCENARIO
//
// The script is the app's backend: `LogtoClient` with an in-memory storage and a `navigate` callback that
// only records the URL. The browser part between the SDK's authorization URL and the callback URL is done
// here too, over HTTP with a small cookie jar, by the Experience API calls Logto's sign-in page makes
// (logto-io/logto packages/experience; harness/_experience.py makes the same calls): PUT /api/experience,
// send an email code, read it from fake_mailgun's server-side wait, verify, identify, submit, then follow
// the redirects up to the callback URL without fetching the app.
//
// SCENARIO (each signs in first, as the seeded user LOGTO_EMAIL):
//   sign-in                the context (ID token claims, user info) and an access token for the first
//                          LOGTO_RESOURCES resource
//   organization           the organization tokens of getContext, LOGTO_ORGANIZATION_ID's token claims,
//                          and the error for LOGTO_OTHER_ORGANIZATION_ID (the user is not a member)
//   revoked-refresh-token  an access token for the resource; the refresh token revoked at the revocation
//                          endpoint (client_secret_basic); the cached tokens cleared; the access token
//                          asked for again, which makes the SDK use the revoked refresh token
// Prints one line of JSON on stdout: one entry per step, `{ok: true, ...what it returned}` or
// `{ok: false, error: {...}}`; the first failed step ends the run. Any other exception exits non-zero.
import LogtoClient, { LogtoClientError, LogtoError, LogtoRequestError } from '@logto/node';

function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const scenario = process.argv[2];
const SCENARIOS = ['sign-in', 'organization', 'revoked-refresh-token'];
if (!SCENARIOS.includes(scenario)) {
  throw new Error(`usage: node logto_node_sign_in.mjs ${SCENARIOS.join('|')}`);
}
const endpoint = env('LOGTO_ENDPOINT').replace(/\/+$/, '');
const appId = env('LOGTO_APP_ID');
const appSecret = env('LOGTO_APP_SECRET');
const redirectUri = env('LOGTO_REDIRECT_URI');
const resources = env('LOGTO_RESOURCES', '').split(' ').filter(Boolean);
const scopes = env('LOGTO_SCOPES', '').split(' ').filter(Boolean);
const email = env('LOGTO_EMAIL');
const mailgun = env('MG_URL').replace(/\/+$/, '');
const resource = resources[0];

// --- a browser's cookie jar (RFC 6265: path matching, deletion by Max-Age / Expires) ------------------
class CookieJar {
  #cookies = new Map(); // "name;path" -> {name, value, path}

  store(url, response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const { pathname } = new URL(url);
      let path = pathname.slice(0, Math.max(pathname.lastIndexOf('/'), 1));
      let expired = false;
      for (const attribute of attributes) {
        const sep = attribute.indexOf('=');
        const key = (sep < 0 ? attribute : attribute.slice(0, sep)).trim().toLowerCase();
        const val = sep < 0 ? '' : attribute.slice(sep + 1).trim();
        if (key === 'path' && val.startsWith('/')) path = val;
        if (key === 'max-age' && Number(val) <= 0) expired = true;
        if (key === 'expires' && Date.parse(val) <= Date.now()) expired = true;
      }
      const key = `${name};${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    const matches = (path) =>
      pathname === path || pathname.startsWith(path.endsWith('/') ? path : `${path}/`);
    return [...this.#cookies.values()]
      .filter((cookie) => matches(cookie.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }
}

class HttpError extends Error {
  constructor(what, status, body) {
    super(`${what} answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'HttpError';
    this.status = status;
    this.body = body;
  }
}

/** An authorization request Logto sent back to the redirect URI with an error instead of signing in. */
class AuthorizationError extends Error {
  constructor(params) {
    super(`the authorization request was sent back to the app: ${new URLSearchParams(params)}`);
    this.name = 'AuthorizationError';
    this.data = params;
  }
}

async function readBody(response) {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// --- the sign-in page's part: Logto's Experience API ---------------------------------------------------
class Browser {
  jar = new CookieJar();

  async request(method, url, body) {
    const headers = { accept: 'application/json' };
    const cookie = this.jar.header(url);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    this.jar.store(url, response);
    return response;
  }

  async api(method, path, body) {
    const response = await this.request(method, `${endpoint}${path}`, body);
    const answer = response.status === 204 ? null : await readBody(response);
    if (!response.ok) throw new HttpError(`${method} ${path}`, response.status, answer);
    return answer;
  }

  /** Follows redirects from `url` until one points at the redirect URI; returns that URL. */
  async followTo(url) {
    const target = new URL(redirectUri);
    let next = url;
    for (let hop = 0; hop < 10; hop++) {
      const response = await this.request('GET', next);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        throw new HttpError(`GET ${next}`, response.status, await readBody(response));
      }
      const resolved = new URL(location, next);
      if (resolved.origin === target.origin && resolved.pathname === target.pathname) {
        return resolved.href;
      }
      next = resolved.href;
    }
    throw new Error(`no redirect to ${redirectUri} within 10 hops from ${url}`);
  }
}

async function latestMessageId(address) {
  const response = await fetch(
    `${mailgun}/__harness/messages/latest?${new URLSearchParams({ to: address })}`
  );
  if (response.status === 404) return '0';
  if (!response.ok) throw new HttpError('fake_mailgun latest', response.status, await readBody(response));
  return String((await response.json()).id);
}

async function waitForCode(address, after) {
  const query = new URLSearchParams({ to: address, after, timeout: '10' });
  const response = await fetch(`${mailgun}/__harness/messages/wait?${query}`);
  const body = await readBody(response);
  if (!response.ok) throw new HttpError('fake_mailgun wait', response.status, body);
  return body.code;
}

/** From the SDK's authorization URL to the callback URL: sign in by email code as Logto's page does. */
async function signInByEmailCode(authorizationUrl) {
  const browser = new Browser();
  const start = await browser.request('GET', authorizationUrl);
  const landing = start.headers.get('location');
  if (start.status !== 303 || !landing) {
    throw new HttpError('GET /oidc/auth', start.status, await readBody(start));
  }
  const sentTo = new URL(landing, authorizationUrl);
  const app = new URL(redirectUri);
  if (sentTo.origin === app.origin && sentTo.pathname === app.pathname) {
    throw new AuthorizationError(Object.fromEntries(sentTo.searchParams));
  }
  const identifier = { type: 'email', value: email };
  await browser.api('PUT', '/api/experience', { interactionEvent: 'SignIn' });
  const before = await latestMessageId(email);
  const { verificationId } = await browser.api('POST', '/api/experience/verification/verification-code', {
    identifier,
    interactionEvent: 'SignIn',
  });
  const code = await waitForCode(email, before);
  await browser.api('POST', '/api/experience/verification/verification-code/verify', {
    identifier,
    verificationId,
    code,
  });
  await browser.api('POST', '/api/experience/identification', { verificationId });
  const { redirectTo } = await browser.api('POST', '/api/experience/submit');
  return { landing, callbackUrl: await browser.followTo(redirectTo) };
}

// --- the app: LogtoClient -----------------------------------------------------------------------------
const memory = new Map();
const storage = {
  getItem: async (key) => memory.get(key) ?? null,
  setItem: async (key, value) => {
    memory.set(key, value);
  },
  removeItem: async (key) => {
    memory.delete(key);
  },
};
const navigations = [];
const client = new LogtoClient(
  { endpoint, appId, appSecret, resources, scopes },
  {
    navigate: (url) => {
      navigations.push(url);
    },
    storage,
  }
);

async function describeError(error) {
  const described = {
    name: error?.name,
    message: error?.message,
    code: error?.code,
    isLogtoRequestError: error instanceof LogtoRequestError,
    isLogtoError: error instanceof LogtoError,
    isLogtoClientError: error instanceof LogtoClientError,
  };
  if (error instanceof LogtoRequestError && error.cause instanceof Response) {
    described.status = error.cause.status;
    described.body = await readBody(error.cause);
  } else if (error instanceof HttpError) {
    described.status = error.status;
    described.body = error.body;
  } else if (error?.data !== undefined) {
    described.data = error.data;
  }
  return described;
}

const result = { scenario };

/** Runs one step; records what it returned, or the error it threw (and then stops the run). */
async function step(name, run) {
  try {
    result[name] = { ok: true, ...(await run()) };
    return true;
  } catch (error) {
    result[name] = { ok: false, error: await describeError(error) };
    return false;
  }
}

/** Runs a step that must throw; records the error, or the value it returned instead. */
async function failingStep(name, run) {
  try {
    result[name] = { ok: true, returned: await run() };
  } catch (error) {
    result[name] = { ok: false, error: await describeError(error) };
  }
}

function payload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

async function signIn() {
  return (
    (await step('signIn', async () => {
      const before = await client.isAuthenticated();
      await client.signIn(redirectUri);
      const authorizationUrl = new URL(navigations.at(-1));
      const { landing, callbackUrl } = await signInByEmailCode(authorizationUrl.href);
      await client.handleSignInCallback(callbackUrl);
      return {
        authenticatedBefore: before,
        authorization: {
          path: authorizationUrl.pathname,
          scope: authorizationUrl.searchParams.get('scope').split(' '),
          resource: authorizationUrl.searchParams.getAll('resource'),
          prompt: authorizationUrl.searchParams.get('prompt'),
          codeChallengeMethod: authorizationUrl.searchParams.get('code_challenge_method'),
        },
        landing,
        callbackPath: new URL(callbackUrl).pathname,
        isAuthenticated: await client.isAuthenticated(),
        hasRefreshToken: Boolean(await client.getRefreshToken()),
      };
    })) &&
    (await step('context', async () => {
      const context = await client.getContext({ fetchUserInfo: true });
      return { isAuthenticated: context.isAuthenticated, claims: context.claims, userInfo: context.userInfo };
    }))
  );
}

async function resourceToken() {
  return step('resourceToken', async () => {
    const token = await client.getAccessToken(resource);
    return { claims: payload(token), sdkClaims: await client.getAccessTokenClaims(resource) };
  });
}

const scenarios = {
  'sign-in': async () => {
    await resourceToken();
  },
  organization: async () => {
    const organizationId = env('LOGTO_ORGANIZATION_ID');
    const other = env('LOGTO_OTHER_ORGANIZATION_ID');
    (await step('organizationContext', async () => {
      const context = await client.getContext({ getOrganizationToken: true });
      return {
        isAuthenticated: context.isAuthenticated,
        organizations: context.claims.organizations,
        organizationTokens: Object.fromEntries(
          Object.entries(context.organizationTokens ?? {}).map(([id, token]) => [id, payload(token)])
        ),
      };
    })) &&
      (await step('organizationToken', async () => ({
        claims: await client.getOrganizationTokenClaims(organizationId),
      }))) &&
      (await resourceToken()) &&
      (await failingStep('notMember', async () => client.getOrganizationToken(other)));
  },
  'revoked-refresh-token': async () => {
    (await resourceToken()) &&
      (await step('revocation', async () => {
        const { revocationEndpoint } = await client.getOidcConfig();
        const response = await fetch(revocationEndpoint, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${appId}:${appSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams({
            token: await client.getRefreshToken(),
            token_type_hint: 'refresh_token',
          }),
        });
        if (!response.ok) throw new HttpError('revocation', response.status, await readBody(response));
        await client.clearAccessToken();
        return { status: response.status };
      })) &&
      (await failingStep('afterRevocation', async () => client.getAccessToken(resource)));
  },
};

if (await signIn()) {
  await scenarios[scenario]();
}
console.log(JSON.stringify(result));
