// The WebAuthn pages' behaviour (/mfa-binding/WebAuthn, /mfa-verification/WebAuthn), as Logto's experience
// app runs them (packages/experience: hooks/use-start-webauthn-processing.ts asks for the options,
// hooks/use-webauthn-operation.ts runs the ceremony with @simplewebauthn/browser, apis/experience/mfa.ts
// sends its answer: registration/verify + profile/mfa, or authentication/verify; then submit). The options
// are asked for as the page loads, so the click runs the browser's ceremony at once (a user gesture).
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("experience-config").textContent);
  const binding = config.page === "mfa-binding-webauthn";
  const VERIFICATION = "/api/experience/verification/web-authn";
  const API = {
    options: binding ? `${VERIFICATION}/registration` : `${VERIFICATION}/authentication`,
    verify: binding ? `${VERIFICATION}/registration/verify` : `${VERIFICATION}/authentication/verify`,
    mfa: "/api/experience/profile/mfa",
    submit: "/api/experience/submit",
  };
  // packages/phrases-experience/src/locales/en/mfa.ts
  const PHRASES = {
    notSupported: "WebAuthn is not supported in this browser.",
    failed: binding ? "Failed to create. Please try again." : "Failed to verify. Please try again.",
    unknown: "Unknown error.",
  };

  const button = document.getElementById("webauthn-button");
  const alertBox = document.getElementById("alert");
  const noticeBox = document.getElementById("notice");
  let options = null;
  let verificationId = null;
  let leaving = false;

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.body = body || {};
    }
  }

  async function call(path, body) {
    const init = { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = { message: text };
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  function showError(error) {
    alertBox.textContent = error instanceof ApiError ? error.message : PHRASES.unknown;
  }

  // --- base64url <-> bytes, as @simplewebauthn/browser converts them ------------------------------------
  function toBytes(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
  }

  function toText(buffer) {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  const descriptors = (list) => (list || []).map((item) => ({ ...item, id: toBytes(item.id) }));

  /** startRegistration: the creation options in bytes, the credential back as RegistrationResponseJSON. */
  async function register() {
    const publicKey = {
      ...options,
      challenge: toBytes(options.challenge),
      user: { ...options.user, id: toBytes(options.user.id) },
      excludeCredentials: descriptors(options.excludeCredentials),
    };
    const credential = await navigator.credentials.create({ publicKey });
    const { response } = credential;
    const json = {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
    };
    if (response.getTransports) json.transports = response.getTransports();
    if (response.getPublicKeyAlgorithm) json.publicKeyAlgorithm = response.getPublicKeyAlgorithm();
    if (response.getPublicKey && response.getPublicKey()) json.publicKey = toText(response.getPublicKey());
    if (response.getAuthenticatorData) json.authenticatorData = toText(response.getAuthenticatorData());
    return answer(credential, json);
  }

  /** startAuthentication: the request options in bytes, the assertion back as AuthenticationResponseJSON. */
  async function authenticate() {
    const publicKey = {
      ...options,
      challenge: toBytes(options.challenge),
      allowCredentials: descriptors(options.allowCredentials),
    };
    const credential = await navigator.credentials.get({ publicKey });
    const { response } = credential;
    const json = {
      clientDataJSON: toText(response.clientDataJSON),
      authenticatorData: toText(response.authenticatorData),
      signature: toText(response.signature),
    };
    if (response.userHandle) json.userHandle = toText(response.userHandle);
    return answer(credential, json);
  }

  function answer(credential, response) {
    const attachment = credential.authenticatorAttachment;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      response,
      ...(attachment === "platform" || attachment === "cross-platform" ? { authenticatorAttachment: attachment } : {}),
      clientExtensionResults: credential.getClientExtensionResults(),
      type: "WebAuthn", // { ...response, type: MfaFactor.WebAuthn }
    };
  }

  async function ceremony() {
    if (!window.PublicKeyCredential) {
      noticeBox.textContent = PHRASES.notSupported;
      return;
    }
    let payload;
    try {
      payload = binding ? await register() : await authenticate();
    } catch {
      noticeBox.textContent = PHRASES.failed;
      return;
    }
    await call(API.verify, { verificationId, payload });
    if (binding) await call(API.mfa, { type: "WebAuthn", verificationId });
    const { redirectTo } = await call(API.submit);
    leaving = true;
    location.assign(redirectTo);
  }

  button.addEventListener("click", async () => {
    if (button.disabled) return;
    alertBox.replaceChildren();
    noticeBox.textContent = "";
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await ceremony();
    } catch (error) {
      showError(error);
    } finally {
      if (!leaving) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
    }
  });

  const back = document.getElementById("nav-back");
  if (back) back.addEventListener("click", () => history.back());

  document.documentElement.dataset.ready = "";
  call(API.options)
    .then((result) => {
      verificationId = result.verificationId;
      options = binding ? result.registrationOptions : result.authenticationOptions;
      button.disabled = false;
    })
    .catch(showError);
})();
