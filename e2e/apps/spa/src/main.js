// The sample single-page app: the official @logto/browser SDK as its README shows it, no framework.
// A public client (Logto application type "SPA"): authorization code + PKCE, tokens in localStorage.
//
// It serves the Go and Python apps' routes and pages (docs/sample-apps.md), rendered here in the browser:
// the static server answers index.html for each route, and this script does what the route does.
import LogtoClient from '@logto/browser';

const config = JSON.parse(document.getElementById('logto-config').textContent);
const logto = new LogtoClient({ endpoint: config.endpoint, appId: config.appId, scopes: ['email'] });
const { origin } = window.location;
const redirectUri = `${origin}/callback`;
const REFRESHED = 'The access token was rejected: refreshed it and retried.';

const element = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
};

const link = (href, text) => element('div', {}, element('a', { href }, text));

// A claims object's members, sorted, without the empty ones (null, "", [], {}); JSON for non-strings.
const rows = (claims) =>
  Object.keys(claims)
    .sort()
    .map((name) => [name, claims[name]])
    .filter(([, value]) => {
      if (value === null || value === undefined || value === '') {
        return false;
      }
      if (Array.isArray(value)) {
        return value.length > 0;
      }
      return typeof value !== 'object' || Object.keys(value).length > 0;
    })
    .map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]);

const tableNodes = ({ id, title, rows: members = [], note, error }) => {
  const nodes = [element('h2', {}, title)];
  if (note) {
    nodes.push(element('p', { id: `${id}-note` }, note));
  }
  if (error) {
    nodes.push(element('p', { id: `${id}-error` }, error));
  } else {
    const row = ([name, value]) => element('tr', {}, element('th', {}, name), element('td', {}, value));
    nodes.push(element('table', { id }, ...members.map(row)));
  }
  return nodes;
};

// The Go and Python apps' page: heading, sign-in state, the user's email, tables, then the links.
function render({ title, signedIn, email, error, home = false, tables = [] }) {
  document.title = `${title} · Bookstore`;
  const nodes = [element('h1', {}, title)];
  const state = signedIn ? 'You are signed in.' : 'You are not signed in.';
  nodes.push(element('div', { id: 'auth-state' }, state));
  if (signedIn && email) {
    nodes.push(element('div', { id: 'user' }, 'Signed in as ', element('span', { id: 'email' }, email)));
  }
  if (error) {
    nodes.push(element('div', { id: 'error' }, error));
  }
  nodes.push(...tables.flatMap(tableNodes));
  const nav = element('nav');
  if (home) {
    nav.append(link('/', 'Home'));
  }
  if (signedIn) {
    nav.append(link('/profile', 'Profile'), link('/sign-out', 'Sign out'));
  } else {
    nav.append(link('/sign-in', 'Sign in'), link('/register', 'Register'));
  }
  nodes.push(nav);
  document.body.replaceChildren(...nodes);
}

// Userinfo with the stored access token; one the SDK still holds valid (its expiry is the browser clock's
// estimate) but Logto rejects is dropped, so that the SDK runs the refresh grant, and the call tried again.
async function userinfoTable() {
  const table = { id: 'userinfo', title: 'User info' };
  let info;
  try {
    info = await logto.fetchUserInfo();
  } catch (rejected) {
    if (!(await logto.getRefreshToken())) {
      return { ...table, error: String(rejected) };
    }
    await logto.clearAccessToken();
    try {
      info = await logto.fetchUserInfo();
    } catch (again) {
      return { ...table, error: String(again) };
    }
    table.note = REFRESHED;
  }
  return { ...table, rows: rows(info) };
}

const routes = {
  async '/'() {
    const signedIn = await logto.isAuthenticated();
    const email = signedIn ? (await logto.getIdTokenClaims()).email : undefined;
    render({ title: 'Hello Logto', signedIn, email });
  },
  async '/sign-in'() {
    // ?direct_sign_in=social:google: the SDK's directSignIn option (Logto skips its sign-in page).
    const direct = new URLSearchParams(window.location.search).get('direct_sign_in') ?? '';
    const [method, target] = direct.split(':');
    const directSignIn = method && target ? { method, target } : undefined;
    await logto.signIn({ redirectUri, postRedirectUri: `${origin}/`, directSignIn });
  },
  async '/register'() {
    await logto.signIn({ redirectUri, postRedirectUri: `${origin}/`, firstScreen: 'register' });
  },
  async '/callback'() {
    // The code for tokens (PKCE), then the SDK goes on to postRedirectUri, the home page.
    await logto.handleSignInCallback(window.location.href);
  },
  async '/profile'() {
    if (!(await logto.isAuthenticated())) {
      render({ title: 'Profile', signedIn: false, home: true });
      return;
    }
    const claims = await logto.getIdTokenClaims();
    const idToken = { id: 'id-token-claims', title: 'ID token claims', rows: rows(claims) };
    const tables = [idToken, await userinfoTable()];
    render({ title: 'Profile', signedIn: true, email: claims.email, home: true, tables });
  },
  async '/sign-out'() {
    // Revokes the refresh token, forgets the tokens, then Logto's end-session page back to the home page.
    await logto.signOut(origin);
  },
};

// The static server answers index.html for the routes above only.
routes[window.location.pathname]()
  .catch(async (error) => {
    // What the SDK threw (a refused token request, a callback without its sign-in session, …), as the Go
    // app shows its SDK's errors.
    const signedIn = await logto.isAuthenticated().catch(() => false);
    render({ title: 'Hello Logto', signedIn, error: String(error) });
  })
  .finally(() => {
    document.body.dataset.ready = 'true';
  });
