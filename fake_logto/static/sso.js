// The sign-in UI's enterprise SSO (see _pages_sso.py): the sign-in page's email watch, the Single
// Sign-On email and connector pages, and the IdP's callback, as Logto's experience app does them
// (hooks/use-single-sign-on.ts, use-check-single-sign-on.ts, use-single-sign-on-watch.ts,
// pages/SocialSignInWebCallback/use-single-sign-on-listener.ts) — through the Experience API only.
"use strict";

(() => {
  const own = document.getElementById("sso-config");
  const config = own
    ? JSON.parse(own.textContent)
    : { ...JSON.parse(document.getElementById("experience-config").textContent), page: "sign-in" };
  const STATE_KEY = "fake-logto:sso";
  const NOTICE_KEY = "fake-logto:notice";
  const EMAIL_RE = /^\S+@\S+\.\S+$/;
  // packages/phrases-experience/src/locales/en
  const PHRASES = {
    singleSignOn: "Single Sign-On",
    invalidEmail: "The email is invalid",
    notEnabled: "Single Sign-On is not enabled for this email account.",
    invalidAuth: "The authorization is invalid",
    invalidSession: "Session not found. Please go back and sign in again.",
    continueWith: (name) => `Continue with ${name}`,
    list: (email) =>
      `Your enterprise has enabled Single Sign-On for the email account ${email}. ` +
      "You can continue to sign in with the following SSO providers.",
  };

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.body = body || {};
      this.code = this.body.code || null;
    }
  }

  async function call(method, path, body) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  const load = () => JSON.parse(sessionStorage.getItem(STATE_KEY) || "{}") || {};
  const save = (value) => sessionStorage.setItem(STATE_KEY, JSON.stringify(value));

  function go(path) {
    const url = new URL(path, location.origin);
    if (config.appId) url.searchParams.set("app_id", config.appId);
    location.assign(url.toString());
  }

  /** The error on the sign-in page's toast (Logto: setToast, then navigate to the sign-in page). */
  function toSignIn(message) {
    sessionStorage.setItem(NOTICE_KEY, message);
    go("/sign-in");
  }

  function showError(message) {
    const alert = document.getElementById("alert");
    if (alert) alert.textContent = message;
  }

  let available = Promise.resolve(config.connectors || []);
  if (!config.connectors) {
    available = call("GET", "/api/.well-known/sign-in-exp").then((body) => body.ssoConnectors || []);
  }

  /** The SSO connectors of an email's domain (GET /api/experience/sso-connectors). */
  async function connectorsOf(email) {
    const { connectorIds } = await call("GET", `/api/experience/sso-connectors?${new URLSearchParams({ email })}`);
    const known = await available;
    return connectorIds.map((id) => known.find((c) => c.id === id)).filter(Boolean);
  }

  /** use-single-sign-on.ts: a state, the authorization URI, then off to the IdP. */
  async function singleSignOn(connectorId) {
    const state = crypto.randomUUID().replaceAll("-", "");
    await call("PUT", "/api/experience", { interactionEvent: "SignIn" });
    const { authorizationUri, verificationId } = await call(
      "POST",
      `/api/experience/verification/sso/${encodeURIComponent(connectorId)}/authorization-uri`,
      { state, redirectUri: `${location.origin}/callback/${connectorId}` },
    );
    save({ ...load(), state, connectorId, verificationId });
    location.assign(authorizationUri);
  }

  async function continueWith(email, connectors) {
    if (connectors.length === 1) return singleSignOn(connectors[0].id);
    save({ email, connectors });
    go("/single-sign-on/connectors");
  }

  function busy(button, action) {
    button.disabled = true;
    showError("");
    action()
      .catch((error) => showError(error.message))
      .finally(() => (button.disabled = false));
  }

  // --- pages -----------------------------------------------------------------------------------------
  function signInPage() {
    const form = document.getElementById("sign-in-form");
    const input = form.elements.identifier;
    const button = form.querySelector("button[type=submit]");
    const label = button.textContent;
    const password = form.querySelector("input[name=password]");
    let seq = 0;
    let matched = null;
    input.addEventListener("input", async () => {
      const mine = ++seq;
      const value = input.value.trim();
      let found = [];
      if (EMAIL_RE.test(value)) {
        try {
          found = await connectorsOf(value);
        } catch {
          found = [];
        }
      }
      if (mine !== seq) return;
      matched = found.length ? { email: value, connectors: found } : null;
      button.textContent = matched ? PHRASES.singleSignOn : label;
      if (password) password.closest(".field").hidden = Boolean(matched);
    });
    // Before experience.js's own submit handler: an SSO email goes to its IdP.
    form.addEventListener(
      "submit",
      (event) => {
        if (!matched || input.value.trim() !== matched.email) return;
        event.preventDefault();
        event.stopImmediatePropagation();
        busy(button, () => continueWith(matched.email, matched.connectors));
      },
      true,
    );
  }

  function emailPage() {
    const form = document.getElementById("sso-email-form");
    const input = form.elements.identifier;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(form.querySelector("button[type=submit]"), async () => {
        const email = input.value.trim();
        let found;
        try {
          found = await connectorsOf(email);
        } catch (error) {
          if (error.code === "guard.invalid_input") throw new Error(PHRASES.invalidEmail);
          throw error;
        }
        if (!found.length) throw new Error(PHRASES.notEnabled);
        await continueWith(email, found);
      });
    });
  }

  function connectorsPage() {
    const { email, connectors } = load();
    if (!email || !connectors || !connectors.length) return go("/single-sign-on/email");
    document.getElementById("sso-description").textContent = PHRASES.list(email);
    const list = document.getElementById("sso-connectors");
    for (const connector of connectors) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = PHRASES.continueWith(connector.connectorName);
      button.addEventListener("click", () => busy(button, () => singleSignOn(connector.id)));
      list.append(button);
    }
  }

  /** use-single-sign-on-listener.ts: check the state, verify, identify and submit (or register). */
  async function callbackPage() {
    const params = Object.fromEntries(new URLSearchParams(location.search));
    const { state, ...data } = params;
    history.replaceState(null, "", location.pathname);
    const saved = load();
    if (!state || saved.state !== state || saved.connectorId !== config.connectorId) {
      return toSignIn(PHRASES.invalidAuth);
    }
    if (!saved.verificationId) return toSignIn(PHRASES.invalidSession);
    const { verificationId } = saved;
    save({});
    const connectorData = { ...data, redirectUri: `${location.origin}/callback/${config.connectorId}` };
    try {
      await call("POST", `/api/experience/verification/sso/${encodeURIComponent(config.connectorId)}/verify`, {
        verificationId,
        connectorData,
      });
      try {
        await call("POST", "/api/experience/identification", { verificationId });
      } catch (error) {
        if (error.code !== "user.sso_identity_not_exist") throw error;
        if (!config.registration) throw error;
        await call("PUT", "/api/experience/interaction-event", { interactionEvent: "Register" });
        await call("POST", "/api/experience/identification", { verificationId });
      }
      const { redirectTo } = await call("POST", "/api/experience/submit");
      location.assign(redirectTo);
    } catch (error) {
      toSignIn(error.message);
    }
  }

  /** pages/DirectSignIn: the listed connector's IdP at once, else the fallback first screen. */
  async function directPage() {
    const known = await available;
    if (known.some((connector) => connector.id === config.connectorId)) {
      try {
        return await singleSignOn(config.connectorId);
      } catch (error) {
        return toSignIn(error.message);
      }
    }
    location.replace(`/${config.fallback}`);
  }

  const PAGES = {
    direct: directPage,
    "sign-in": signInPage,
    "sso-email": emailPage,
    "sso-connectors": connectorsPage,
    callback: callbackPage,
  };
  (PAGES[config.page] || (() => {}))();
  document.documentElement.dataset.ready = "";
})();
