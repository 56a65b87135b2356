// The sign-in pages' behaviour: each form drives the Experience API (/api/experience) with fetch(), as
// Logto's own experience app does (packages/experience/src/apis/experience). The server renders the pages;
// this script only reads the page's config, keeps the flow's state in sessionStorage (the identifier, the
// verificationId), calls the API and shows its errors in words.
"use strict";

(() => {
  const config = JSON.parse(document.getElementById("experience-config").textContent);

  const API = {
    start: "/api/experience",
    event: "/api/experience/interaction-event",
    sendCode: "/api/experience/verification/verification-code",
    verifyCode: "/api/experience/verification/verification-code/verify",
    password: "/api/experience/verification/password",
    identification: "/api/experience/identification",
    profile: "/api/experience/profile",
    newPassword: "/api/experience/profile/password",
    submit: "/api/experience/submit",
    interaction: "/api/experience/interaction",
    mfa: "/api/experience/profile/mfa",
    mfaSkipped: "/api/experience/profile/mfa/mfa-skipped",
    mfaEnabled: "/api/experience/profile/mfa/mfa-enabled",
    totpSecret: "/api/experience/verification/totp/secret",
    totpVerify: "/api/experience/verification/totp/verify",
    backupCodes: "/api/experience/verification/backup-code/generate",
    backupCodeVerify: "/api/experience/verification/backup-code/verify",
    mfaCodeSend: "/api/experience/verification/mfa-verification-code",
    mfaCodeVerify: "/api/experience/verification/mfa-verification-code/verify",
    mfaSuggestionSkipped: "/api/experience/profile/mfa/mfa-suggestion-skipped",
  };
  const STATE_KEY = "fake-logto:flow";
  const NOTICE_KEY = "fake-logto:notice";
  const EMAIL_RE = /^\S+@\S+\.\S+$/;
  const USERNAME_RE = /^[A-Z_a-z]\w*$/;
  // What a typed phone number may hold (core-kit phoneInputRegEx), and its length in digits: E.164's
  // at most 15, at least 7 — a length check standing in for libphonenumber's isValid, which Logto's page
  // runs (utils/form.ts validatePhone); the API takes digits only (``phone`` identifiers).
  const PHONE_INPUT_RE = /^\+?[\d\-( )]+$/;
  const PHONE_DIGITS = { min: 7, max: 15 };

  // --- state between pages -------------------------------------------------------------------------
  const state = {
    load() {
      try {
        return JSON.parse(sessionStorage.getItem(STATE_KEY) || "{}") || {};
      } catch {
        return {};
      }
    },
    save(value) {
      sessionStorage.setItem(STATE_KEY, JSON.stringify(value));
    },
  };

  let leaving = false;

  /** Go to another page of the sign-in UI, keeping the app_id (the app's name and links). */
  function go(path) {
    const url = new URL(path, location.origin);
    if (config.appId) url.searchParams.set("app_id", config.appId);
    leave(url.toString());
  }

  function leave(url) {
    leaving = true;
    location.assign(url);
  }

  // --- the API ---------------------------------------------------------------------------------------
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
      this.code = this.body.code || null;
    }
  }

  /** A problem with what was typed, found before calling the API. */
  class InputError extends Error {
    constructor(message, field) {
      super(message);
      this.field = field;
    }
  }

  async function call(method, path, body) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      throw new ApiError(0, { code: "network", message: String(error) });
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = { message: text };
      }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  // --- errors in words ---------------------------------------------------------------------------------
  // Logto's own phrases: the experience app's (packages/phrases-experience/src/locales/en) for what the
  // page checks itself, and the API's message (packages/phrases/src/locales/en/errors) for the rest, as
  // Logto's error handlers show error.message.
  const PHRASES = {
    unknown: "Unknown error.",
    passwordRequired: "Password is required",
    passwordsDoNotMatch: "Your passwords don\u2019t match.",
    invalidPasscode: "The verification code is invalid.",
    invalidPhone: "The phone number is invalid",
    passcodeSent: "The verification code has been resent",
    passwordChanged: "Password changed",
    tooShort: (data) => `Minimum length is ${data.min}.`,
    tooLong: (data) => `Maximum length is ${data.max}.`,
    signInIdDoesNotExist: (value) => `No account found for ${value}. Create a new one?`,
    createAccountIdExists: (value) => `An account with ${value} already exists. Continue to sign in.`,
    invalidSession: "Session not found. Please go back and sign in again.",
    secretKeyCopied: "Secret key copied.",
    backupCodeCopied: "Backup code copied.",
  };
  const NAMES = { email: "email", username: "username", phone: "phone number" };
  const disjunction = (types) =>
    new Intl.ListFormat("en", { type: "disjunction" }).format(types.map((type) => NAMES[type]));
  // error.general_required / error.general_invalid, over the identifiers the form takes.
  const identifierRequired = (types) => `${disjunction(types)} is required`;
  const identifierInvalid = (types) => `The ${disjunction(types)} is invalid`;

  /** hooks/use-password-error-message.ts: a rejected password's first issue, in words. */
  function passwordRejection(error) {
    const issues = Array.isArray(error.body.data) ? error.body.data : [];
    const issue = issues.find((item) => item.code === "password_rejected.too_short") ||
      issues.find((item) => item.code === "password_rejected.too_long");
    if (!issue) return error.body.message || PHRASES.unknown;
    const data = issue.interpolation || {};
    return issue.code.endsWith("too_short") ? PHRASES.tooShort(data) : PHRASES.tooLong(data);
  }

  function describe(error) {
    if (error instanceof InputError) return error.message;
    if (!(error instanceof ApiError)) return PHRASES.unknown;
    if (error.code === "password.rejected") return passwordRejection(error);
    return error.body.message || PHRASES.unknown;
  }

  // --- the page's regions ----------------------------------------------------------------------------
  const alertBox = document.getElementById("alert");
  const noticeBox = document.getElementById("notice");

  function clearMessages() {
    if (alertBox) alertBox.replaceChildren();
    for (const input of document.querySelectorAll("input[aria-invalid]")) {
      input.removeAttribute("aria-invalid");
    }
  }

  /** Show an error in the form's role="alert" region (ErrorMessage in Logto's app). */
  function showError(message, field = null) {
    alertBox.textContent = message;
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  /** Logto's toast (a role="toast" box) with the message. */
  function showNotice(message) {
    if (noticeBox) noticeBox.textContent = message;
  }

  /** Logto's confirm modal (a role="dialog"): the message, "Cancel" and "Continue" (or ``labels``' texts;
   * an alert, ``onConfirm`` null, has its cancel button only). */
  function confirmDialog(message, onConfirm, onCancel, labels = {}) {
    const dialog = document.createElement("div");
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.className = "dialog";
    const text = document.createElement("p");
    text.className = "content";
    text.textContent = message;
    const row = document.createElement("div");
    row.className = "actions";
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary";
    cancel.textContent = labels.cancel || "Cancel";
    const confirm = document.createElement("button");
    confirm.type = "button";
    confirm.className = "primary";
    confirm.textContent = labels.confirm || "Continue";
    cancel.addEventListener("click", () => {
      dialog.remove();
      onCancel();
    });
    confirm.addEventListener("click", () =>
      run(confirm, async () => {
        try {
          await onConfirm();
        } finally {
          if (!leaving) dialog.remove();
        }
      }),
    );
    row.append(cancel);
    if (onConfirm) row.append(confirm);
    dialog.append(text, row);
    document.body.append(dialog);
    (onConfirm ? confirm : cancel).focus();
  }

  function report(error, field) {
    // As Logto's experience app (packages/experience/src/hooks/use-error-handler.ts): an API error no
    // caller handles shows its message — a session that is gone included, no redirect.
    showError(describe(error), (error instanceof InputError && error.field) || field || null);
  }

  /** Run an action from a control: busy while it runs, errors shown, no double submits. */
  async function run(control, action, field) {
    if (control.dataset.busy) return;
    clearMessages();
    control.dataset.busy = "true";
    if ("disabled" in control) control.disabled = true;
    control.setAttribute("aria-busy", "true");
    try {
      await action();
    } catch (error) {
      report(error, field);
    } finally {
      if (!leaving) {
        delete control.dataset.busy;
        if ("disabled" in control) control.disabled = false;
        control.removeAttribute("aria-busy");
      }
    }
  }

  function onSubmit(form, action, field) {
    const button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(button, action, field);
    });
  }

  /** A link that runs an action instead of navigating (Logto's TextLink with an onClick). */
  function onLink(link, action) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      run(link, action);
    });
  }

  const back = document.getElementById("nav-back");
  if (back) {
    back.addEventListener("click", () => history.back());
    back.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") history.back();
    });
  }

  // --- input ------------------------------------------------------------------------------------------
  const signInTypes = () => Object.keys(config.signIn.methods);

  function readEmail(input, types = ["email"]) {
    const value = input.value.trim();
    if (!value) throw new InputError(identifierRequired(types), input);
    if (!EMAIL_RE.test(value)) throw new InputError(identifierInvalid(types), input);
    return { type: "email", value };
  }

  /** A phone number as the API takes it: its digits, the country code first (``+1 201-555-0123``). */
  function readPhone(input, types = ["phone"]) {
    const value = input.value.trim();
    if (!value) throw new InputError(identifierRequired(types), input);
    const digits = value.replace(/\D/g, "");
    const valid = PHONE_INPUT_RE.test(value) && digits.length >= PHONE_DIGITS.min && digits.length <= PHONE_DIGITS.max;
    if (!valid) throw new InputError(types.length === 1 ? PHRASES.invalidPhone : identifierInvalid(types), input);
    return { type: "phone", value: digits };
  }

  /** The sign-in identifier (detectIdentifierType): an email when it has an @, a phone number when it
   * reads as one and phones sign in, else a username. */
  function readIdentifier(input) {
    const types = signInTypes();
    const value = input.value.trim();
    if (!value) throw new InputError(identifierRequired(types), input);
    const { phone, email, username } = config.signIn.methods;
    if (phone && !value.includes("@") && (PHONE_INPUT_RE.test(value) || !(email || username))) {
      return readPhone(input, types);
    }
    if (value.includes("@") || !config.signIn.methods.username) return readEmail(input, types);
    if (!USERNAME_RE.test(value)) throw new InputError(identifierInvalid(types), input);
    return { type: "username", value };
  }

  /** containers/SetPassword: "newPassword", and "confirmPassword" when the form has it. */
  function readNewPassword(form) {
    const password = form.elements.newPassword;
    const confirm = form.elements.confirmPassword;
    if (!password.value) throw new InputError(PHRASES.passwordRequired, password);
    if (confirm && confirm.value !== password.value)
      throw new InputError(PHRASES.passwordsDoNotMatch, confirm);
    return password.value;
  }

  // --- steps --------------------------------------------------------------------------------------------
  /** PUT /api/experience: begin the flow (forgets any earlier verification of this interaction). */
  async function begin(event) {
    await call("PUT", API.start, { interactionEvent: event });
  }

  /** Send a code and remember it: its verificationId, and when it left (for the resend countdown). */
  async function sendCode(flowState) {
    const body = { identifier: flowState.identifier, interactionEvent: flowState.event };
    const { verificationId } = await call("POST", API.sendCode, body);
    Object.assign(flowState, { verificationId, sentAt: Date.now(), verified: false });
    state.save(flowState);
  }

  /** Submit the interaction and follow redirectTo back to /oidc/auth (and on to the app); ``linkSocial``:
   * the connector of a social sign-up, carried to the continue pages. */
  async function finish(linkSocial) {
    try {
      const { redirectTo } = await call("POST", API.submit);
      leave(redirectTo);
    } catch (error) {
      if (!missingProfile(error, linkSocial) && !(await mfaRequired(error))) throw error;
    }
  }

  async function identifyAndFinish(verificationId, linkSocial) {
    try {
      await call("POST", API.identification, verificationId ? { verificationId } : {});
    } catch (error) {
      if (missingProfile(error, linkSocial)) return;
      throw error;
    }
    await finish(linkSocial);
  }

  // hooks/use-required-profile-error-handler.ts: the page of the first missing profile (pages/Continue);
  // anything else (extraProfile) is the API's message.
  const CONTINUE_PAGES = {
    password: "/continue/password",
    username: "/continue/username",
    email: "/continue/email",
    phone: "/continue/phone",
    emailOrPhone: "/continue/emailOrPhone",
  };

  /** user.missing_profile: go and ask for what is missing (a social sign-up's ?link_social= along). */
  function missingProfile(error, linkSocial) {
    if (!(error instanceof ApiError) || error.code !== "user.missing_profile") return false;
    const [first] = (error.body.data && error.body.data.missingProfile) || [];
    const path = CONTINUE_PAGES[first];
    if (!path) return false;
    const search = linkSocial && first !== "password" ? `?link_social=${encodeURIComponent(linkSocial)}` : "";
    go(path + search);
    return true;
  }

  async function passwordSignIn(identifier, password) {
    await begin("SignIn");
    const { verificationId } = await call("POST", API.password, { identifier, password });
    await call("POST", API.identification, { verificationId });
    await finish();
  }

  function showIdentifier(flowState) {
    const target = document.getElementById("identifier-value");
    if (target && flowState.identifier) target.textContent = flowState.identifier.value;
  }

  async function sendSignInCode(identifier) {
    const flowState = { event: "SignIn", identifier };
    state.save(flowState);
    await begin("SignIn");
    await sendCode(flowState);
    go("/sign-in/verification-code");
  }

  // The verification-code hooks' recovery (containers/VerificationCode/use-sign-in-flow-code-verification.ts,
  // use-register-flow-code-verification.ts): an unknown account on sign-in asks to create it, a known email
  // on registration asks to sign in; "Continue" switches the event and identifies again, "Cancel" goes back.
  const RECOVERY = {
    "user.user_not_exist": {
      event: "Register",
      allowed: () => config.registration,
      text: PHRASES.signInIdDoesNotExist,
    },
    "user.email_already_in_use": {
      event: "SignIn",
      allowed: () => true,
      text: PHRASES.createAccountIdExists,
    },
    "user.phone_already_in_use": {
      event: "SignIn",
      allowed: () => true,
      text: PHRASES.createAccountIdExists,
    },
  };

  async function identifyOrConfirm(flowState) {
    try {
      await identifyAndFinish(flowState.verificationId);
    } catch (error) {
      const recovery = error instanceof ApiError ? RECOVERY[error.code] : undefined;
      if (!recovery || !recovery.allowed()) throw error;
      confirmDialog(
        recovery.text(flowState.identifier.value),
        async () => {
          await call("PUT", API.event, { interactionEvent: recovery.event });
          flowState.event = recovery.event;
          state.save(flowState);
          await identifyAndFinish(flowState.verificationId);
        },
        () => history.back(),
      );
    }
  }

  // What happens once a code is verified, per flow (/:flow/verification-code).
  const AFTER_VERIFY = {
    "sign-in": identifyOrConfirm,
    register: identifyOrConfirm,
    "forgot-password": async (flowState) => {
      await call("POST", API.identification, { verificationId: flowState.verificationId });
      go("/forgot-password/reset");
    },
    // An email / phone bound as an MFA factor (use-continue-flow-code-verification.ts: bindMfa), else the
    // profile's missing identifier.
    continue: async (flowState) => {
      if (!flowState.mfaFactor) return continueWithCode(flowState);
      await call("POST", API.mfa, { type: flowState.mfaFactor, verificationId: flowState.verificationId });
      await finish();
    },
  };

  // --- MFA (hooks/use-mfa-error-handler.ts, apis/experience/mfa.ts) ------------------------------------
  // What the MFA pages carry between them (Logto keeps it in the history state): the secret being bound,
  // the new backup codes, each with its verificationId.
  const MFA_KEY = "fake-logto:mfa";
  const mfaState = {
    load() {
      try {
        return JSON.parse(sessionStorage.getItem(MFA_KEY) || "{}") || {};
      } catch {
        return {};
      }
    },
    save(value) {
      sessionStorage.setItem(MFA_KEY, JSON.stringify({ ...mfaState.load(), ...value }));
    },
  };

  // Factors whose binding starts before their page (useStartTotpBinding, useStartBackupCodeBinding); any
  // other factor's page, /<flow>/<Factor>, starts itself.
  const START_BINDING = {
    Totp: async () => {
      const { verificationId, secret, secretQrCode } = await call("POST", API.totpSecret);
      mfaState.save({ totp: { verificationId, secret, secretQrCode } });
      go("/mfa-binding/Totp");
    },
    BackupCode: async () => {
      const { verificationId, codes } = await call("POST", API.backupCodes);
      mfaState.save({ backupCode: { verificationId, codes } });
      go("/mfa-binding/BackupCode");
    },
  };

  // Email / phone codes (hooks/use-send-mfa-verification-code.ts): verifying one starts by sending a code to
  // the user's own address, then its page; the code's verificationId rides along (verificationIdsMap).
  const CODE_KINDS = { EmailVerificationCode: "email", PhoneVerificationCode: "phone" };

  async function sendMfaCode(factor) {
    const kind = CODE_KINDS[factor];
    const { verificationId } = await call("POST", API.mfaCodeSend, { identifierType: kind });
    mfaState.save({ code: { factor, kind, verificationId, sentAt: Date.now() } });
  }

  const START_VERIFICATION = Object.fromEntries(
    Object.keys(CODE_KINDS).map((factor) => [
      factor,
      async () => {
        await sendMfaCode(factor);
        go(`/mfa-verification/${factor}`);
      },
    ]),
  );

  function openFactor(flow, factor) {
    const start = (flow === "mfa-binding" ? START_BINDING : START_VERIFICATION)[factor];
    return start ? start() : go(`/${flow}/${factor}`);
  }

  /** handleMfaRedirect: several factors to bind → the list; else the (first, last used) factor's page. */
  async function mfaRedirect(flow, error) {
    const factors = (error.body.data && error.body.data.availableFactors) || [];
    if (!factors.length) throw error; // its message is shown
    if (factors.length > 1 && flow === "mfa-binding") return go("/mfa-binding");
    await openFactor(flow, factors[0]);
  }

  const MFA_ERRORS = {
    "user.suggest_mfa": () => go("/mfa-onboarding"),
    "user.missing_mfa": (error) => mfaRedirect("mfa-binding", error),
    "session.mfa.suggest_additional_mfa": (error) => {
      mfaState.save({ suggestion: error.body.data || {} }); // the list's flowState.suggestion
      return mfaRedirect("mfa-binding", error);
    },
    "session.mfa.require_mfa_verification": (error) => mfaRedirect("mfa-verification", error),
    "session.mfa.backup_code_required": () => START_BINDING.BackupCode(),
  };

  /** The submit's MFA errors lead to the MFA pages; true when ``error`` was one. */
  async function mfaRequired(error) {
    const handler = error instanceof ApiError ? MFA_ERRORS[error.code] : undefined;
    if (!handler) return false;
    if (error.code !== "session.mfa.suggest_additional_mfa") mfaState.save({ suggestion: null });
    await handler(error);
    return true;
  }

  /** A control that runs an action on click and on Enter/Space (Logto's role="button" divs). */
  function onPress(control, action) {
    control.addEventListener("click", () => run(control, action));
    control.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") run(control, action);
    });
  }

  /** NavBar's "Skip": useSkipMfa (skip MFA), or while another factor is only suggested useSkipOptionalMfa
   * (skipMfaSuggestion: decline the suggestion; shown whatever the policy); then submit. */
  function wireSkip() {
    const suggestion = location.pathname.startsWith("/mfa-binding") && mfaState.load().suggestion;
    let skip = document.getElementById("nav-skip");
    if (!skip && suggestion) {
      skip = Object.assign(document.createElement("div"), { id: "nav-skip", className: "navButton skip" });
      Object.assign(skip, { tabIndex: 0, textContent: "Skip" });
      skip.setAttribute("role", "button");
      document.querySelector(".nav-bar").append(skip);
    }
    if (skip)
      onPress(skip, async () => {
        await call("POST", suggestion ? API.mfaSuggestionSkipped : API.mfaSkipped);
        await finish();
      });
  }

  /** useTextHandler's copyText: to the clipboard (where the browser allows it), then the toast. */
  async function copyText(text, notice) {
    if (navigator.clipboard) await navigator.clipboard.writeText(text).catch(() => {});
    showNotice(notice);
  }

  /** A page whose state is gone (reloaded elsewhere): Logto's ErrorPage "invalid session". */
  function invalidSession(control) {
    showError(PHRASES.invalidSession);
    if (control) control.disabled = true;
  }

  /** TotpCodeVerification: six boxes, submitted once full; a refused code is cleared, its message shown. */
  function totpForm(submitCode) {
    const form = document.getElementById("totp-form");
    const button = form.querySelector("button[type=submit]");
    const inputs = [...form.querySelectorAll("input[name^=totpCode_]")];
    const verify = (code) =>
      run(button, async () => {
        try {
          await submitCode(code);
        } catch (error) {
          boxes.clear();
          throw error;
        }
      });
    const boxes = passcodeBoxes(inputs, verify);
    inputs[0].focus();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (boxes.complete()) return verify(boxes.code());
      clearMessages();
      showError(PHRASES.invalidPasscode);
    });
    boxes.adoptTyped();
  }

  function mfaFactorsPage() {
    wireSkip();
    const { suggestion } = mfaState.load();
    if (suggestion && config.flow === "mfa-binding") {
      // mfa.add_another_mfa_factor: the factors the user has (an email / phone shown masked) are disabled.
      document.querySelector("h1").textContent = "Add another 2-step verification";
      const subtitle = document.querySelector(".subtitle");
      subtitle.textContent = "Select another way to add for verifying your identity when sign-in.";
      document.title = document.title.replace("Add 2-step verification", "Add another 2-step verification");
      const masked = suggestion.maskedIdentifiers || {};
      for (const button of document.querySelectorAll("[data-factor]")) {
        if (!masked[button.dataset.factor]) continue;
        button.disabled = true;
        button.querySelector(".factor-description").textContent = `Send to ${masked[button.dataset.factor]}`;
      }
    }
    for (const button of document.querySelectorAll("[data-factor]")) {
      button.addEventListener("click", () => run(button, () => openFactor(config.flow, button.dataset.factor)));
    }
  }

  /** TotpBinding: the QR code, or the key (SecretSection's toggle); then bindMfa: verify, bind, submit. */
  function mfaTotpBindingPage() {
    wireSkip();
    const { totp } = mfaState.load();
    const button = document.querySelector("#totp-form button[type=submit]");
    if (!totp) return invalidSession(button);
    document.getElementById("qr-image").src = totp.secretQrCode;
    document.getElementById("secret").textContent = totp.secret;
    const toggle = document.getElementById("toggle-secret");
    const APPS = "your authenticator app, such as Google Authenticator, Duo Mobile, Authy, etc.";
    const TEXTS = {
      qr: ["Scan this QR code", `Scan the following QR code with ${APPS}`, "Can\u2019t scan the QR code?"],
      key: ["Copy and paste the key", `Copy and paste the following key into ${APPS}`, "Want to scan QR code?"],
    };
    const show = (format) => {
      const [title, description, link] = TEXTS[format];
      document.getElementById("secret-title").textContent = `Step 1: ${title}`;
      document.getElementById("secret-description").textContent = description;
      document.getElementById("qr-code").hidden = format !== "qr";
      document.getElementById("secret-key").hidden = format !== "key";
      toggle.textContent = link;
      toggle.dataset.format = format;
    };
    toggle.addEventListener("click", (event) => {
      event.preventDefault();
      show(toggle.dataset.format === "key" ? "qr" : "key");
    });
    show("qr");
    document.getElementById("copy-secret").addEventListener("click", () =>
      copyText(totp.secret, PHRASES.secretKeyCopied),
    );
    totpForm(async (code) => {
      await call("POST", API.totpVerify, { code, verificationId: totp.verificationId });
      await call("POST", API.mfa, { type: "Totp", verificationId: totp.verificationId });
      await finish();
    });
  }

  /** BackupCodeBinding: the codes, Download / Copy, and "Continue" binds them and submits. */
  function mfaBackupCodeBindingPage() {
    const { backupCode } = mfaState.load();
    const button = document.getElementById("continue");
    if (!backupCode) return invalidSession(button);
    const list = document.getElementById("backup-codes");
    list.replaceChildren(
      ...backupCode.codes.map((code) => Object.assign(document.createElement("li"), { textContent: code })),
    );
    const text = backupCode.codes.join("\n");
    document.getElementById("copy-codes").addEventListener("click", () =>
      copyText(text, PHRASES.backupCodeCopied),
    );
    document.getElementById("download-codes").addEventListener("click", () => {
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
      link.download = "backup_code.txt";
      link.click();
      URL.revokeObjectURL(link.href);
    });
    button.addEventListener("click", () =>
      run(button, async () => {
        await call("POST", API.mfa, { type: "BackupCode", verificationId: backupCode.verificationId });
        await finish();
      }),
    );
  }

  /** TotpVerification: verifyMfa with the app's code, then submit. */
  function mfaTotpVerificationPage() {
    totpForm(async (code) => {
      await call("POST", API.totpVerify, { code });
      await finish();
    });
  }

  /** BackupCodeVerification: one of the saved codes (used up by this), then submit. */
  function mfaBackupCodeVerificationPage() {
    const form = document.getElementById("backup-code-form");
    const input = form.elements.code;
    input.focus();
    onSubmit(
      form,
      async () => {
        await call("POST", API.backupCodeVerify, { code: input.value.trim() });
        await finish();
      },
      input,
    );
  }

  /** The resend offer under a code (description.resend_after_seconds / resend_passcode): a countdown from
   * ``sentAt()``, then the link, which runs ``resend``. */
  function resendOffer(sentAt, resend) {
    const timer = document.getElementById("resend-timer");
    const seconds = document.getElementById("resend-seconds");
    const offer = document.getElementById("resend-offer");
    let ticking = null;
    const countdown = () => {
      clearInterval(ticking);
      const tick = () => {
        const left = config.resendSeconds - Math.floor((Date.now() - (sentAt() || 0)) / 1000);
        timer.hidden = left <= 0;
        offer.hidden = left > 0;
        if (left > 0) seconds.textContent = String(left);
        else clearInterval(ticking);
      };
      tick();
      ticking = setInterval(tick, 1000);
    };
    countdown();
    onLink(document.getElementById("resend"), async () => {
      await resend();
      showNotice(PHRASES.passcodeSent);
      countdown();
    });
  }

  /** MfaCodeVerification: the code sent to the user's email / phone; once full it is verified, then submit. */
  function mfaCodeVerificationPage() {
    const form = document.getElementById("mfa-code-form");
    const button = form.querySelector("button[type=submit]");
    const inputs = [...form.querySelectorAll("input[name^=mfaCode_]")];
    const sent = () => mfaState.load().code;
    if (!sent() || sent().factor !== config.factor) return invalidSession(button);
    // A resend on its way: a code typed meanwhile is checked against the new verificationId.
    let resending = Promise.resolve();
    const verify = (code) =>
      run(button, async () => {
        try {
          await resending;
          const { verificationId, kind } = sent();
          await call("POST", API.mfaCodeVerify, { verificationId, code, identifierType: kind });
          await finish();
        } catch (error) {
          boxes.clear();
          throw error;
        }
      });
    const boxes = passcodeBoxes(inputs, verify);
    inputs[0].focus();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (boxes.complete()) return verify(boxes.code());
      clearMessages();
      showError(PHRASES.invalidPasscode);
    });
    boxes.adoptTyped();
    resendOffer(
      () => sent().sentAt,
      async () => {
        boxes.clear();
        const resent = sendMfaCode(config.factor);
        resending = resent.catch(() => {});
        await resent;
      },
    );
  }

  /** VerificationCodeMfaBinding: the address to bind; its code (sent as a Register's) is checked on
   * /continue/verification-code, which then binds it. */
  function mfaCodeBindingPage() {
    wireSkip();
    const form = document.getElementById("mfa-bind-form");
    const input = form.elements.identifier;
    input.focus();
    onSubmit(
      form,
      async () => {
        const identifier = config.kind === "email" ? readEmail(input) : readPhone(input);
        const flowState = { event: "Register", identifier, mfaFactor: config.factor };
        await sendCode(flowState);
        go("/continue/verification-code");
      },
      input,
    );
  }

  /** MfaOnboarding (user.suggest_mfa): "Enable 2-step verification" (useEnableMfa), or skip. */
  function mfaOnboardingPage() {
    wireSkip();
    const button = document.getElementById("enable-mfa");
    button.addEventListener("click", () =>
      run(button, async () => {
        await call("POST", API.mfaEnabled);
        await finish();
      }),
    );
  }

  // --- the pages ------------------------------------------------------------------------------------
  function signInPage() {
    const notice = sessionStorage.getItem(NOTICE_KEY);
    if (notice) {
      showNotice(notice);
      sessionStorage.removeItem(NOTICE_KEY);
    }
    const form = document.getElementById("sign-in-form");
    if (!form) return; // social connectors only
    const input = form.elements.identifier;
    const remembered = state.load().identifier;
    if (!input.value && remembered) input.value = remembered.value;
    const forgot = document.getElementById("forgot-password");
    if (forgot) forgot.addEventListener("click", () => rememberTyped(input));
    onSubmit(form, async () => {
      const identifier = readIdentifier(input);
      const method = config.signIn.methods[identifier.type];
      const password = form.elements.password;
      if (password) {
        if (!password.value) throw new InputError(PHRASES.passwordRequired, password);
        state.save({ event: "SignIn", identifier });
        await passwordSignIn(identifier, password.value);
        return;
      }
      state.save({ event: "SignIn", identifier });
      if (method.password && (!method.verificationCode || method.isPasswordPrimary)) {
        go("/sign-in/password");
        return;
      }
      await sendSignInCode(identifier);
    });
  }

  /** Keep what was typed for the next page (the forgot-password form starts from it). */
  function rememberTyped(input) {
    const value = input.value.trim();
    if (value) state.save({ identifier: { type: value.includes("@") ? "email" : "username", value } });
  }

  function signInPasswordPage() {
    const flowState = state.load();
    if (!flowState.identifier) return go("/sign-in");
    showIdentifier(flowState);
    document.getElementById("identifier-type").textContent = NAMES[flowState.identifier.type];
    const form = document.getElementById("password-form");
    form.elements.identifier.value = flowState.identifier.value;
    const password = form.elements.password;
    onSubmit(
      form,
      async () => {
        if (!password.value) throw new InputError(PHRASES.passwordRequired, password);
        await passwordSignIn(flowState.identifier, password.value);
      },
      password,
    );
    const method = config.signIn.methods[flowState.identifier.type];
    if (method && method.verificationCode) {
      document.getElementById("code-option").hidden = false;
      onLink(document.getElementById("use-code"), () => sendSignInCode(flowState.identifier));
    }
  }

  function registerPage() {
    const form = document.getElementById("register-form");
    const input = form.elements.identifier;
    onSubmit(form, async () => {
      if (config.signUp.identifier === "username") {
        const value = input.value.trim();
        if (!value) throw new InputError(identifierRequired(["username"]), input);
        if (!USERNAME_RE.test(value)) throw new InputError(identifierInvalid(["username"]), input);
        await begin("Register");
        await call("POST", API.profile, { type: "username", value });
        state.save({ event: "Register", identifier: { type: "username", value } });
        go("/register/password");
        return;
      }
      const read = config.signUp.identifier === "phone" ? readPhone : readEmail;
      const flowState = { event: "Register", identifier: read(input) };
      await begin("Register");
      await sendCode(flowState);
      go("/register/verification-code");
    });
  }

  /** shared/components/VerificationCode: one box a digit; typing or pasting spreads digits forward. */
  function passcodeBoxes(inputs, onComplete) {
    const codes = inputs.map(() => "");
    const render = () => inputs.forEach((input, index) => (input.value = codes[index]));
    const complete = () => codes.every(Boolean);
    const update = (data, from) => {
      if (!/^\d+$/.test(data)) {
        render();
        return;
      }
      const chars = data.split("").slice(0, codes.length - from);
      chars.forEach((char, offset) => (codes[from + offset] = char));
      render();
      inputs[Math.min(from + chars.length, codes.length - 1)].focus();
      if (complete()) onComplete(codes.join(""));
    };
    inputs.forEach((input, index) => {
      input.addEventListener("input", () => update(input.value, index));
      input.addEventListener("paste", (event) => {
        event.preventDefault();
        update((event.clipboardData.getData("text").match(/\d/g) || []).join(""), index);
      });
      input.addEventListener("keydown", (event) => {
        const { key } = event;
        if (key === "Backspace") {
          event.preventDefault();
          if (codes[index]) codes[index] = "";
          else if (index > 0) {
            codes[index - 1] = "";
            inputs[index - 1].focus();
          }
          render();
        } else if (key === "ArrowLeft" && index > 0) {
          event.preventDefault();
          inputs[index - 1].focus();
        } else if (key === "ArrowRight" && index < inputs.length - 1) {
          event.preventDefault();
          inputs[index + 1].focus();
        } else if (["+", "-", "e", ".", "ArrowUp", "ArrowDown"].includes(key)) {
          event.preventDefault();
        }
      });
    });
    return {
      code: () => codes.join(""),
      complete,
      clear: () => {
        codes.fill("");
        render();
        inputs[0].focus();
      },
      /** Digits typed before this script ran (a fast test, a busy machine) count as typed now. */
      adoptTyped: () => {
        const typed = inputs.map((input) => input.value);
        typed.forEach((value, index) => value && !codes[index] && update(value, index));
      },
    };
  }

  function verificationCodePage() {
    const flowState = state.load();
    const form = document.getElementById("code-form");
    const button = document.getElementById("continue");
    const inputs = [...form.querySelectorAll("input[name^=passcode_]")];
    if (!flowState.identifier || !flowState.verificationId) {
      showError("Session not found. Please go back and sign in again.");
      button.disabled = true;
      return;
    }
    const sms = flowState.identifier.type === "phone";
    document.getElementById("sent-to").textContent = (sms ? "+" : "") + flowState.identifier.value;
    if (sms) {
      document.getElementById("code-title").textContent = "Verify your phone number";
      document.getElementById("sent-kind").textContent = "phone number";
      document.title = document.title.replace("Verify your email", "Verify your phone number");
    }
    const method = config.signIn.methods[flowState.identifier.type];
    if (config.flow === "sign-in" && method && method.password) {
      document.getElementById("password-option").hidden = false;
    }

    // A resend on its way: a code typed meanwhile (the email can land before the send's answer) is
    // verified against the new verificationId once the send returns, never against the old one.
    let resending = Promise.resolve();
    const verify = (code) =>
      run(button, async () => {
        try {
          await resending;
          if (!flowState.verified) {
            await call("POST", API.verifyCode, {
              identifier: flowState.identifier,
              verificationId: flowState.verificationId,
              code,
            });
            flowState.verified = true;
            state.save(flowState);
          }
          await AFTER_VERIFY[config.flow](flowState);
        } catch (error) {
          boxes.clear(); // a refused code is cleared, as Logto's errorCallback does
          throw error;
        }
      });
    // The code submits itself once its last digit is in (containers/VerificationCode's effect).
    const boxes = passcodeBoxes(inputs, verify);
    inputs[0].focus();
    button.addEventListener("click", () => {
      if (!boxes.complete()) {
        clearMessages();
        showError(PHRASES.invalidPasscode);
        return;
      }
      verify(boxes.code());
    });

    const timer = document.getElementById("resend-timer");
    const seconds = document.getElementById("resend-seconds");
    const offer = document.getElementById("resend-offer");
    let ticking = null;
    const countdown = () => {
      clearInterval(ticking);
      const tick = () => {
        const left = config.resendSeconds - Math.floor((Date.now() - (flowState.sentAt || 0)) / 1000);
        timer.hidden = left <= 0;
        offer.hidden = left > 0;
        if (left > 0) seconds.textContent = String(left);
        else clearInterval(ticking);
      };
      tick();
      ticking = setInterval(tick, 1000);
    };
    countdown();
    boxes.adoptTyped();
    onLink(document.getElementById("resend"), async () => {
      boxes.clear(); // at the click: a new code typed while the send is on its way is kept
      const sent = sendCode(flowState);
      resending = sent.catch(() => {});
      await sent;
      showNotice(PHRASES.passcodeSent);
      countdown();
    });
  }

  function forgotPasswordPage() {
    const form = document.getElementById("forgot-form");
    const input = form.elements.identifier;
    const remembered = state.load().identifier;
    if (!input.value && remembered && remembered.type === "email") input.value = remembered.value;
    onSubmit(form, async () => {
      const flowState = { event: "ForgotPassword", identifier: readEmail(input) };
      await begin("ForgotPassword");
      await sendCode(flowState);
      go("/forgot-password/verification-code");
    });
  }

  function forgotPasswordResetPage() {
    const flowState = state.load();
    const form = document.getElementById("reset-form");
    onSubmit(form, async () => {
      const password = readNewPassword(form);
      await call("PUT", API.newPassword, { password });
      await call("POST", API.submit);
      state.save({ identifier: flowState.identifier });
      sessionStorage.setItem(NOTICE_KEY, PHRASES.passwordChanged);
      go("/sign-in");
    });
  }

  /** /continue/password (a password the profile lacks) and /register/password (username sign-up). */
  function setPasswordPage() {
    const flowState = state.load();
    const form = document.getElementById("set-password-form");
    onSubmit(form, async () => {
      const password = readNewPassword(form);
      await call("POST", API.profile, { type: "password", value: password });
      const interaction = await call("GET", API.interaction);
      if (interaction.userId) await finish();
      else await identifyAndFinish(flowState.verificationId);
    });
  }

  // --- social sign-in ------------------------------------------------------------------------------
  // containers/SocialSignInList/use-social.ts (the buttons), pages/Callback, pages/SocialSignInWebCallback
  // (use-social-sign-in-listener.ts), pages/SocialLinkAccount and pages/DirectSignIn.
  const SOCIAL_STATE_PREFIX = "social_auth_state"; // utils/social-connectors.ts storeState's key
  const SOCIAL_VERIFICATION_KEY = "fake-logto:verification:Social";
  const SOCIAL_RELATED_KEY = "fake-logto:social:relatedUser";
  const SOCIAL_PHRASES = {
    invalidConnectorAuth: "The authorization is invalid", // error.invalid_connector_auth
    invalidSession: "Session not found. Please go back and sign in again.", // error.invalid_session
  };
  const socialPath = (connectorId, step) =>
    `/api/experience/verification/social/${encodeURIComponent(connectorId)}/${step}`;
  const socialRedirectUri = (connectorId) => `${location.origin}/callback/${connectorId}`;

  function randomState() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  /** A button's click: a new SignIn interaction, the connector's URI, and off to the provider. */
  async function invokeSocialSignIn(connectorId) {
    const state = randomState();
    sessionStorage.setItem(`${SOCIAL_STATE_PREFIX}:${connectorId}`, state);
    await begin("SignIn");
    const { verificationId, authorizationUri } = await call("POST", socialPath(connectorId, "authorization-uri"), {
      state,
      redirectUri: socialRedirectUri(connectorId),
    });
    sessionStorage.setItem(SOCIAL_VERIFICATION_KEY, verificationId);
    leave(authorizationUri);
  }

  function socialButtons() {
    for (const button of document.querySelectorAll("button[data-connector-id]")) {
      button.addEventListener("click", () =>
        run(button, () => invokeSocialSignIn(button.dataset.connectorId)),
      );
    }
  }

  /** The listener's error path: a toast on the sign-in page. */
  function toSignIn(message) {
    sessionStorage.setItem(NOTICE_KEY, message);
    go("/sign-in");
  }

  /** A toast where the page is (handleError without a handler of the code). */
  function toast(error) {
    const status = document.querySelector("[aria-busy]");
    if (status) status.hidden = true;
    showNotice(describe(error));
  }

  /** bindSocialRelatedUser: sign in as the related account and link the identity. */
  async function bindRelatedUser(verificationId) {
    await call("PUT", API.event, { interactionEvent: "SignIn" });
    await call("POST", API.identification, { verificationId, linkSocialIdentity: true });
    await finish();
  }

  /** useSocialRegister: a new account of the identity (what it lacks asked for with ?link_social=). */
  async function registerWithSocial(verificationId) {
    await call("PUT", API.event, { interactionEvent: "Register" });
    await identifyAndFinish(verificationId, config.connectorId);
  }

  /** user.identity_not_exist: link the related account (automatically, or on the link page), or register. */
  async function socialAccountNotExist(error, verificationId) {
    const related = error.body.data && error.body.data.relatedUser;
    if (related) {
      if (config.socialSignIn.automaticAccountLinking) return bindRelatedUser(verificationId);
      sessionStorage.setItem(SOCIAL_RELATED_KEY, JSON.stringify(related));
      return go(`/social/link/${encodeURIComponent(config.connectorId)}`);
    }
    if (!config.registration) return toSignIn(describe(error)); // sign-in only: no new account
    return registerWithSocial(verificationId);
  }

  function callbackPage() {
    const joined = new URLSearchParams([
      ...new URLSearchParams(location.search),
      ...new URLSearchParams(location.hash.slice(1)),
    ]);
    const search = joined.toString() ? `?${joined}` : "";
    location.replace(`/callback/social/${encodeURIComponent(config.connectorId)}${search}`);
  }

  async function socialCallbackPage() {
    const { state: returned, ...data } = Object.fromEntries(new URLSearchParams(location.search));
    history.replaceState(null, "", location.pathname); // consumed
    const key = `${SOCIAL_STATE_PREFIX}:${config.connectorId}`;
    const stored = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
    if (!returned || stored !== returned) return toSignIn(SOCIAL_PHRASES.invalidConnectorAuth);
    const verificationId = sessionStorage.getItem(SOCIAL_VERIFICATION_KEY);
    if (!verificationId) return toSignIn(SOCIAL_PHRASES.invalidSession);
    try {
      await call("POST", socialPath(config.connectorId, "verify"), {
        verificationId,
        connectorData: { redirectUri: socialRedirectUri(config.connectorId), ...data },
      });
    } catch (error) {
      return toSignIn(describe(error));
    }
    try {
      await call("POST", API.identification, { verificationId });
    } catch (error) {
      if (error instanceof ApiError && error.code === "user.identity_not_exist") {
        return socialAccountNotExist(error, verificationId).catch(toast);
      }
      if (missingProfile(error)) return;
      return toSignIn(describe(error));
    }
    await finish().catch((error) => toSignIn(describe(error)));
  }

  /** pages/SocialLinkAccount: "Link with <masked address>", or a new account instead. */
  function socialLinkPage() {
    const related = JSON.parse(sessionStorage.getItem(SOCIAL_RELATED_KEY) || "null");
    const verificationId = sessionStorage.getItem(SOCIAL_VERIFICATION_KEY);
    const bind = document.getElementById("bind");
    if (!related || !verificationId) {
      document.getElementById("social-link").hidden = true;
      showError(related ? "Verification ID not found" : "Missing relate account info");
      return;
    }
    document.getElementById("related-user").textContent =
      related.type === "email" ? maskEmail(related.value) : `****${related.value.slice(-4)}`;
    bind.addEventListener("click", () => run(bind, () => bindRelatedUser(verificationId)));
    const create = document.getElementById("create-without-linking");
    if (create) onLink(create, () => registerWithSocial(verificationId));
  }

  /** @logto/shared maskEmail: the first four characters of a longer name, then ****@domain. */
  function maskEmail(email) {
    const [name = "", domain = ""] = email.split("@");
    return `${name.length > 4 ? name.slice(0, 4) : ""}****@${domain}`;
  }

  function directSignInPage() {
    invokeSocialSignIn(config.connectorId).catch(toast);
  }

  // --- the continue pages (pages/Continue) ----------------------------------------------------------
  // An identifier the account must have: /continue/username stages it; /continue/email, /phone and
  // /emailOrPhone send a code for the interaction's event, and /continue/verification-code stages the
  // verified one (use-continue-flow-code-verification.ts). A Register interaction then identifies (creates
  // the account), a SignIn one submits (apis/experience fulfillProfile, updateProfileWithVerificationCode).
  const CONTINUE_PHRASES = {
    invalidEmail: "The email is invalid", // error.invalid_email
    usernameStartsWithNumber: "Username should not start with a number",
    usernameCharset: "Username should only contain letters, numbers, or underscores.",
    // description.link_account_id_exists, create_account_id_exists, create_account_id_exists_alert
    linkAccount: (type, value) => `The account with ${type} ${value} already exists. Would you like to link?`,
    signInInstead: (value) => `An account with ${value} already exists. Continue to sign in.`,
    tryAnother: (type, value) =>
      `The account with ${type} ${value} is linked to another account. Please try another ${type}.`,
  };

  /** What comes after the profile: Register creates the account first. */
  async function continueAfterProfile(event, linkSocial) {
    if (event === "Register") await identifyAndFinish(undefined, linkSocial);
    else await finish(linkSocial);
  }

  /** A verified email or phone staged; one an account has opens the dialog Logto's hook picks. */
  async function continueWithCode(flowState) {
    const { identifier, verificationId, event, linkSocial } = flowState;
    try {
      await call("POST", API.profile, { type: identifier.type, verificationId });
    } catch (error) {
      const inUse = ["user.email_already_in_use", "user.phone_already_in_use"];
      if (!(error instanceof ApiError) || !inUse.includes(error.code)) throw error;
      identifierInUse(flowState);
      return;
    }
    await continueAfterProfile(event, linkSocial);
  }

  /** identifierExistsErrorHandler: link the social identity, sign in instead, or try another. */
  function identifierInUse({ identifier, verificationId, event, linkSocial }) {
    const type = NAMES[identifier.type];
    const value = identifier.type === "phone" ? `+${identifier.value}` : identifier.value;
    const change = { cancel: `Change ${type}` }; // action.change
    const socialVerificationId = sessionStorage.getItem(SOCIAL_VERIFICATION_KEY);
    const signIn = async () => {
      await call("PUT", API.event, { interactionEvent: "SignIn" });
      await call("POST", API.identification, { verificationId });
    };
    if (linkSocial && socialVerificationId) {
      // use-link-social-confirm-modal.ts → signInAndLinkWithSocial
      const link = async () => {
        await signIn();
        await call("POST", API.profile, { type: "social", verificationId: socialVerificationId });
        await finish();
      };
      const labels = { ...change, confirm: "Link and continue" };
      return confirmDialog(CONTINUE_PHRASES.linkAccount(type, value), link, () => history.back(), labels);
    }
    const method = config.signIn.methods[identifier.type];
    if (event === "Register" && method && method.verificationCode) {
      // use-sign-in-with-exist-identifier-confirm-modal.ts → signInWithVerifiedIdentifier
      const signInInstead = async () => {
        await signIn();
        await finish();
      };
      const labels = { confirm: "Sign in" };
      return confirmDialog(CONTINUE_PHRASES.signInInstead(value), signInInstead, () => history.back(), labels);
    }
    return confirmDialog(CONTINUE_PHRASES.tryAnother(type, value), null, () => history.back(), change);
  }

  /** The interaction's event (Logto keeps it in the history state): what follows the profile. */
  async function interactionEvent() {
    const { interactionEvent: event } = await call("GET", API.interaction);
    return event;
  }

  /** SetEmailOrPhone: the identifier (detected as SmartInputField does), a code, the code page. */
  function continueIdentifierPage() {
    const form = document.getElementById("continue-form");
    const input = form.elements.identifier;
    input.focus();
    const types = config.types;
    onSubmit(form, async () => {
      const value = input.value.trim();
      if (!value) throw new InputError(identifierRequired(types), input);
      const asEmail = !types.includes("phone") || (types.includes("email") && /[@a-z]/i.test(value));
      const identifier = asEmail ? readEmail(input, ["email"]) : readPhone(input, ["phone"]);
      const flowState = { event: await interactionEvent(), identifier, linkSocial: config.linkSocial };
      try {
        await sendCode(flowState);
      } catch (error) {
        if (error instanceof ApiError && error.code === "guard.invalid_input") {
          throw new InputError(asEmail ? CONTINUE_PHRASES.invalidEmail : PHRASES.invalidPhone, input);
        }
        throw error;
      }
      go("/continue/verification-code");
    });
  }

  /** SetUsername (use-set-username.ts): stage the username, then identify or submit. */
  function continueUsernamePage() {
    const form = document.getElementById("continue-form");
    const input = form.elements.identifier;
    input.focus();
    onSubmit(form, async () => {
      const value = input.value.trim();
      if (!value) throw new InputError(identifierRequired(["username"]), input);
      if (/^\d/.test(value)) throw new InputError(CONTINUE_PHRASES.usernameStartsWithNumber, input);
      if (!USERNAME_RE.test(value)) throw new InputError(CONTINUE_PHRASES.usernameCharset, input);
      const event = await interactionEvent();
      await call("POST", API.profile, { type: "username", value });
      await continueAfterProfile(event, config.linkSocial);
    });
  }

  const PAGES = {
    "sign-in": signInPage,
    "sign-in-password": signInPasswordPage,
    register: registerPage,
    "register-password": setPasswordPage,
    "verification-code": verificationCodePage,
    "forgot-password": forgotPasswordPage,
    "forgot-password-reset": forgotPasswordResetPage,
    "continue-password": setPasswordPage,
    "continue-identifier": continueIdentifierPage,
    "continue-username": continueUsernamePage,
    "mfa-binding": mfaFactorsPage,
    "mfa-verification": mfaFactorsPage,
    "mfa-binding-totp": mfaTotpBindingPage,
    "mfa-binding-backup-code": mfaBackupCodeBindingPage,
    "mfa-verification-totp": mfaTotpVerificationPage,
    "mfa-verification-backup-code": mfaBackupCodeVerificationPage,
    "mfa-onboarding": mfaOnboardingPage,
    "mfa-verification-code": mfaCodeVerificationPage,
    "mfa-binding-code": mfaCodeBindingPage,
    callback: callbackPage,
    "social-callback": socialCallbackPage,
    "social-link": socialLinkPage,
    direct: directSignInPage,
  };
  // The page shows once wired (see macros.html). Set first: the page's own set-up focuses its field, which a
  // hidden tree refuses; nothing can be typed in between, the set-up runs in this same task.
  document.documentElement.dataset.ready = "";
  (PAGES[config.page] || (() => {}))();
  socialButtons();
})();
