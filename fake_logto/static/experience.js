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
  };
  const STATE_KEY = "fake-logto:flow";
  const NOTICE_KEY = "fake-logto:notice";
  const EMAIL_RE = /^\S+@\S+\.\S+$/;
  const USERNAME_RE = /^[A-Z_a-z]\w*$/;

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

  // --- errors in words -------------------------------------------------------------------------------
  const codeText = (error) => {
    const status = error.body.data && error.body.data.statusCode;
    return status ? ` (the email service answered ${status})` : "";
  };
  const MESSAGES = {
    network: "Could not reach the server. Check your connection and try again.",
    "verification_code.code_mismatch": "That code is not right. Check the email and try again.",
    "verification_code.expired": "This code has expired. Request a new one with “Resend”.",
    "verification_code.exceed_max_try": "Too many wrong codes. Request a new code and try again.",
    "verification_code.not_found": "This code was already used or replaced. Request a new code.",
    "verification_code.email_mismatch": "This code was sent to another address. Request a new code.",
    "request.message_rate_limited":
      "Too many codes were sent to this address. Wait a few minutes, then try again.",
    "connector.general": (error) =>
      `We couldn't send the email${codeText(error)}. Please try again in a moment.`,
    "connector.rate_limit_exceeded": "The email service is busy. Please try again in a moment.",
    "connector.not_found": "Sending emails is not set up for this app yet.",
    "connector.template_not_found": "Sending emails is not set up for this app yet.",
    "session.invalid_credentials": "The account or password is incorrect.",
    "session.verification_session_not_found": "This verification has ended. Please start again.",
    "session.verification_failed": "This verification has ended. Please start again.",
    "session.identity_conflict": "You verified a different account. Please start again.",
    "user.sign_in_method_not_enabled": "Signing in this way is not enabled.",
    "user.user_not_exist": "There is no account for this identifier.",
    "user.email_already_in_use": "This email is already linked to an account.",
    "user.username_already_in_use": "This username is already taken.",
    "user.suspended": "This account is suspended.",
    "user.same_password": "Your new password must be different from your current one.",
    "user.new_password_required_in_profile": "Enter a new password.",
    "password.rejected": (error) => {
      const issue = Array.isArray(error.body.data) ? error.body.data[0] : null;
      const limits = (issue && issue.interpolation) || {};
      if (issue && issue.code === "password_rejected.too_short")
        return `The password must have at least ${limits.min} characters.`;
      if (issue && issue.code === "password_rejected.too_long")
        return `The password must have at most ${limits.max} characters.`;
      return "This password doesn't meet the requirements.";
    },
    "auth.forbidden": "Creating new accounts is not allowed here.",
    "guard.invalid_input": "Please check what you entered.",
  };

  function describe(error) {
    if (error instanceof InputError) return error.message;
    if (!(error instanceof ApiError)) return "Something went wrong. Please try again.";
    const entry = MESSAGES[error.code];
    if (typeof entry === "function") return entry(error);
    if (entry) return entry;
    if (error.status === 429) return "Too many requests. Wait a moment, then try again.";
    return error.body.message || "Something went wrong. Please try again.";
  }

  // --- the page's regions ----------------------------------------------------------------------------
  const alertBox = document.getElementById("alert");
  const noticeBox = document.getElementById("notice");

  function clearMessages() {
    if (alertBox) alertBox.replaceChildren();
    if (noticeBox) noticeBox.replaceChildren();
    for (const input of document.querySelectorAll("input[aria-invalid]")) {
      input.removeAttribute("aria-invalid");
    }
  }

  /** Show an error (announced: the region is role="alert"), with optional actions as buttons. */
  function showError(message, { field = null, actions = [] } = {}) {
    const text = document.createElement("p");
    text.textContent = message;
    const nodes = [text];
    if (actions.length) {
      const row = document.createElement("div");
      row.className = "actions";
      for (const action of actions) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = action.primary ? "primary" : "secondary";
        button.textContent = action.label;
        button.addEventListener("click", () => run(button, action.run));
        row.append(button);
      }
      nodes.push(row);
    }
    alertBox.replaceChildren(...nodes);
    alertBox.classList.toggle("offer", actions.length > 0);
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.focus();
    }
  }

  function showNotice(message) {
    if (noticeBox) noticeBox.textContent = message;
  }

  function report(error, field) {
    if (error instanceof ApiError && error.code === "session.interaction_not_found") {
      go("/unknown-session");
      return;
    }
    showError(describe(error), { field: (error instanceof InputError && error.field) || field || null });
  }

  /** Run an action from a control: busy while it runs, errors shown, no double submits. */
  async function run(control, action, field) {
    if (control.disabled) return;
    clearMessages();
    control.disabled = true;
    control.setAttribute("aria-busy", "true");
    try {
      await action();
    } catch (error) {
      report(error, field);
    } finally {
      if (!leaving) {
        control.disabled = false;
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

  // --- input ------------------------------------------------------------------------------------------
  function readEmail(input) {
    const value = input.value.trim();
    if (!value) throw new InputError("Enter your email address.", input);
    if (!EMAIL_RE.test(value)) throw new InputError("Enter a valid email address.", input);
    return { type: "email", value };
  }

  /** The sign-in identifier: an email when it has an @, else a username (when usernames sign in). */
  function readIdentifier(input) {
    const methods = config.signIn.methods;
    const value = input.value.trim();
    if (!value) throw new InputError(`Enter your ${labelOf(input)}.`, input);
    if (value.includes("@") || !methods.username) return readEmail(input);
    if (!USERNAME_RE.test(value)) throw new InputError("Enter a valid username.", input);
    return { type: "username", value };
  }

  function labelOf(input) {
    return input.labels[0].textContent.trim().toLowerCase();
  }

  function readNewPassword(form) {
    const password = form.elements.password;
    const confirm = form.elements.confirm;
    if (!password.value) throw new InputError("Enter a password.", password);
    if (confirm && confirm.value !== password.value)
      throw new InputError("The passwords don't match.", confirm);
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

  /** Submit the interaction and follow redirectTo back to /oidc/auth (and on to the app). */
  async function finish() {
    try {
      const { redirectTo } = await call("POST", API.submit);
      leave(redirectTo);
    } catch (error) {
      if (!missingProfile(error)) throw error;
    }
  }

  async function identifyAndFinish(verificationId) {
    try {
      await call("POST", API.identification, verificationId ? { verificationId } : {});
    } catch (error) {
      if (missingProfile(error)) return;
      throw error;
    }
    await finish();
  }

  /** user.missing_profile: go and ask for what is missing (a password is the one the pages ask for). */
  function missingProfile(error) {
    if (!(error instanceof ApiError) || error.code !== "user.missing_profile") return false;
    const missing = (error.body.data && error.body.data.missingProfile) || [];
    if (!missing.includes("password")) return false;
    go("/continue/password");
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

  // The UI's recovery rules (reference: "The UI's recovery"): an unknown account on sign-in offers to
  // create it; a known email on registration offers to sign in. Both switch the event and identify again.
  const OFFERS = {
    "user.user_not_exist": {
      event: "Register",
      allowed: () => config.registration,
      text: (value) => `There is no account for ${value} yet. Create one now?`,
      label: "Create account",
    },
    "user.email_already_in_use": {
      event: "SignIn",
      allowed: () => true,
      text: (value) => `${value} already has an account. Sign in instead?`,
      label: "Sign in",
    },
  };

  async function identifyOrOffer(flowState) {
    try {
      await identifyAndFinish(flowState.verificationId);
    } catch (error) {
      const offer = error instanceof ApiError ? OFFERS[error.code] : undefined;
      if (!offer || !offer.allowed()) throw error;
      showError(offer.text(flowState.identifier.value), {
        actions: [
          {
            label: offer.label,
            primary: true,
            run: async () => {
              await call("PUT", API.event, { interactionEvent: offer.event });
              flowState.event = offer.event;
              state.save(flowState);
              await identifyAndFinish(flowState.verificationId);
            },
          },
        ],
      });
    }
  }

  // What happens once a code is verified, per flow (/:flow/verification-code).
  const AFTER_VERIFY = {
    "sign-in": identifyOrOffer,
    register: identifyOrOffer,
    "forgot-password": async (flowState) => {
      await call("POST", API.identification, { verificationId: flowState.verificationId });
      go("/forgot-password/reset");
    },
    continue: async (flowState) => {
      await call("POST", API.profile, {
        type: flowState.identifier.type,
        verificationId: flowState.verificationId,
      });
      await finish();
    },
  };

  // --- the pages ------------------------------------------------------------------------------------
  function signInPage() {
    const notice = sessionStorage.getItem(NOTICE_KEY);
    if (notice) {
      showNotice(notice);
      sessionStorage.removeItem(NOTICE_KEY);
    }
    const form = document.getElementById("sign-in-form");
    const input = form.elements.identifier;
    const remembered = state.load().identifier;
    if (!input.value && remembered) input.value = remembered.value;
    onSubmit(form, async () => {
      const identifier = readIdentifier(input);
      const method = config.signIn.methods[identifier.type];
      if (!method) throw new InputError("Signing in this way is not enabled.", input);
      const password = form.elements.password;
      if (password) {
        if (!password.value) throw new InputError("Enter your password.", password);
        state.save({ event: "SignIn", identifier });
        await passwordSignIn(identifier, password.value);
        return;
      }
      const flowState = { event: "SignIn", identifier };
      state.save(flowState);
      if (method.password && (!method.verificationCode || method.isPasswordPrimary)) {
        go("/sign-in/password");
        return;
      }
      await begin("SignIn");
      await sendCode(flowState);
      go("/sign-in/verification-code");
    });
  }

  function signInPasswordPage() {
    const flowState = state.load();
    if (!flowState.identifier) return go("/sign-in");
    showIdentifier(flowState);
    const form = document.getElementById("password-form");
    const password = form.elements.password;
    onSubmit(
      form,
      async () => {
        if (!password.value) throw new InputError("Enter your password.", password);
        await passwordSignIn(flowState.identifier, password.value);
      },
      password,
    );
    const method = config.signIn.methods[flowState.identifier.type];
    if (method && method.verificationCode) {
      document.getElementById("code-option").hidden = false;
      const button = document.getElementById("use-code");
      button.addEventListener("click", () =>
        run(button, async () => {
          const next = { event: "SignIn", identifier: flowState.identifier };
          await begin("SignIn");
          await sendCode(next);
          go("/sign-in/verification-code");
        }),
      );
    }
  }

  function registerPage() {
    const form = document.getElementById("register-form");
    const input = form.elements.identifier;
    onSubmit(form, async () => {
      if (config.signUp.identifier === "username") {
        const value = input.value.trim();
        if (!USERNAME_RE.test(value)) throw new InputError("Enter a valid username.", input);
        await begin("Register");
        await call("POST", API.profile, { type: "username", value });
        state.save({ event: "Register", identifier: { type: "username", value } });
        if (config.signUp.password) go("/continue/password");
        else await identifyAndFinish(null);
        return;
      }
      const flowState = { event: "Register", identifier: readEmail(input) };
      await begin("Register");
      await sendCode(flowState);
      go("/register/verification-code");
    });
  }

  function verificationCodePage() {
    const flowState = state.load();
    const form = document.getElementById("code-form");
    const input = form.elements.code;
    if (!flowState.identifier || !flowState.verificationId) {
      showError("This page was opened without a code being sent. Go back and start again.");
      form.querySelector("button[type=submit]").disabled = true;
      return;
    }
    document.getElementById("sent-to").textContent = flowState.identifier.value;
    const method = config.signIn.methods[flowState.identifier.type];
    if (config.flow === "sign-in" && method && method.password) {
      document.getElementById("password-option").hidden = false;
    }

    // One field: typing or pasting a whole code ("123 456", "123-456") keeps its digits.
    input.addEventListener("input", () => {
      const digits = input.value.replace(/\D/g, "").slice(0, config.codeLength);
      if (digits !== input.value) input.value = digits;
    });

    const timer = document.getElementById("resend-timer");
    const offer = document.getElementById("resend-offer");
    const resend = document.getElementById("resend");
    let ticking = null;
    const countdown = () => {
      clearInterval(ticking);
      const tick = () => {
        const left = config.resendSeconds - Math.floor((Date.now() - (flowState.sentAt || 0)) / 1000);
        timer.hidden = left <= 0;
        offer.hidden = left > 0;
        if (left > 0) timer.textContent = `Resend in ${left} s`;
        else clearInterval(ticking);
      };
      tick();
      ticking = setInterval(tick, 1000);
    };
    countdown();
    resend.addEventListener("click", () =>
      run(resend, async () => {
        // The old code is void from now: clear it at the click, not when the send returns, so that a
        // new code typed (or pasted) while the request is on its way is kept.
        input.value = "";
        input.focus();
        await sendCode(flowState);
        showNotice(`A new code was sent to ${flowState.identifier.value}.`);
        countdown();
      }),
    );

    onSubmit(
      form,
      async () => {
        const code = input.value.replace(/\D/g, "");
        if (code.length !== config.codeLength)
          throw new InputError(`Enter the ${config.codeLength}-digit code.`, input);
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
      },
      input,
    );
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
    showIdentifier(flowState);
    const form = document.getElementById("reset-form");
    onSubmit(form, async () => {
      const password = readNewPassword(form);
      await call("PUT", API.newPassword, { password });
      await call("POST", API.submit);
      state.save({ identifier: flowState.identifier });
      sessionStorage.setItem(NOTICE_KEY, "Password changed. Sign in with your new password.");
      go("/sign-in");
    });
  }

  function continuePasswordPage() {
    const flowState = state.load();
    showIdentifier(flowState);
    const form = document.getElementById("continue-password-form");
    onSubmit(form, async () => {
      const password = readNewPassword(form);
      await call("POST", API.profile, { type: "password", value: password });
      const interaction = await call("GET", API.interaction);
      if (interaction.userId) await finish();
      else await identifyAndFinish(flowState.verificationId);
    });
  }

  const PAGES = {
    "sign-in": signInPage,
    "sign-in-password": signInPasswordPage,
    register: registerPage,
    "verification-code": verificationCodePage,
    "forgot-password": forgotPasswordPage,
    "forgot-password-reset": forgotPasswordResetPage,
    "continue-password": continuePasswordPage,
  };
  (PAGES[config.page] || (() => {}))();
})();
