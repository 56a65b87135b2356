// The sample single-page app: the official @logto/browser SDK as its README shows it, no framework.
// A public client (Logto application type "SPA"): authorization code + PKCE, tokens in localStorage.
import LogtoClient from '@logto/browser';

const config = JSON.parse(document.getElementById('logto-config').textContent);
const logto = new LogtoClient({ endpoint: config.endpoint, appId: config.appId, scopes: ['email'] });
const { origin } = window.location;
const redirectUri = `${origin}/callback`;

const show = (id, visible) => {
  document.getElementById(id).hidden = !visible;
};
const text = (id, value) => {
  document.getElementById(id).textContent = value ?? '';
};

async function render() {
  const signedIn = await logto.isAuthenticated();
  text('auth-state', signedIn ? 'You are signed in.' : 'You are not signed in.');
  show('signed-in', signedIn);
  show('signed-out', !signedIn);
  if (signedIn) {
    const claims = await logto.getIdTokenClaims();
    text('email', claims.email);
    text('sub', claims.sub);
    // The access token of the storage, sent to /oidc/me cross-origin (Logto's CORS for this app).
    const userinfo = await logto.fetchUserInfo();
    text('userinfo-email', userinfo.email);
  }
}

async function main() {
  document.getElementById('sign-in').addEventListener('click', () => {
    void logto.signIn(redirectUri);
  });
  document.getElementById('register').addEventListener('click', () => {
    void logto.signIn({ redirectUri, firstScreen: 'register' });
  });
  document.getElementById('sign-out').addEventListener('click', () => {
    void logto.signOut(origin);
  });
  if (window.location.pathname === '/callback') {
    await logto.handleSignInCallback(window.location.href);
    window.history.replaceState(null, '', '/');
  }
  await render();
}

main()
  .catch((error) => {
    text('error', String(error));
    show('error', true);
  })
  .finally(() => {
    document.body.dataset.ready = 'true';
  });
