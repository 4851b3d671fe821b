// The teacher's account: sign in, sign up (the school's first account, or with an
// invitation link), a new password from a reset link, sign out. The session itself is an
// HttpOnly cookie that the API sets; the page only asks /api/me who is signed in.

import { ApiError, call, explain, format } from "./studio-api.js";
import { announce, clearErrors, showProblem, showView } from "./studio-ui.js";

function values(form, names) {
  return Object.fromEntries(names.map((name) => [name, form.elements[name].value]));
}

export class Account {
  constructor(root, messages, { onChange }) {
    this.root = root;
    this.messages = messages;
    this.onChange = onChange; // called once someone signed in or out
    this.teacher = null;
    this.bar = document.querySelector("[data-account]");
    // The links an admin hands out: /studio?invitation=TOKEN and /studio?reset=TOKEN.
    const query = new URLSearchParams(location.search);
    this.invitation = query.get("invitation");
    this.resetToken = query.get("reset");
    const signedIn = (teacher) => this.#signedIn(teacher);
    this.#submit(
      "[data-signin-form]",
      (form) => call("POST", "/api/session", { json: values(form, ["email", "password"]) }),
      signedIn,
    );
    this.#submit(
      "[data-signup-form]",
      (form) => {
        const json = values(form, ["name", "email", "password"]);
        if (this.invitation) json.invitation = this.invitation;
        return call("POST", "/api/teachers", { json });
      },
      signedIn,
    );
    this.#submit(
      "[data-reset-form]",
      (form) =>
        call("POST", "/api/password-resets", {
          json: { token: this.resetToken, password: form.elements.password.value },
        }),
      () => this.#passwordChanged(),
    );
    this.bar.querySelector("[data-sign-out]").addEventListener("click", () => this.#signOut());
  }

  // Who is signed in, from the cookie the browser holds (null: nobody).
  async load() {
    try {
      this.teacher = await call("GET", "/api/me");
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      this.teacher = null;
    }
    this.#showBar();
  }

  // Signed out, the studio shows one of these; `hash` may ask for the sign-up form.
  showSignedOut(hash) {
    const invited = this.invitation !== null;
    let view = "start";
    if (this.resetToken !== null) view = "reset";
    else if (invited || hash === "#criar-conta") view = "signup";
    this.root.querySelector("[data-invited]").hidden = !invited;
    this.root.querySelector("[data-not-invited]").hidden = invited;
    showView(this.root, view);
    return view;
  }

  #showBar() {
    this.bar.hidden = this.teacher === null;
    if (this.teacher) {
      this.bar.querySelector("[data-teacher-name]").textContent = format(this.messages.hello, {
        name: this.teacher.name,
      });
    }
  }

  // A form that sends itself with `send`; on success, the link (if any) is spent.
  #submit(selector, send, done) {
    const form = this.root.querySelector(selector);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      let answer;
      try {
        answer = await send(form);
      } catch (error) {
        showProblem(form, error, this.messages);
        return;
      }
      form.reset();
      // A link works once: done with it, it leaves the address bar.
      history.replaceState(null, "", location.pathname + location.hash);
      this.invitation = null;
      this.resetToken = null;
      done(answer);
    });
  }

  #signedIn(teacher) {
    this.teacher = teacher;
    this.#showBar();
    this.onChange();
  }

  #passwordChanged() {
    showView(this.root, "start");
    announce(this.root, this.messages.password_changed);
    this.root.querySelector("#signin-email").focus();
  }

  async #signOut() {
    try {
      await call("DELETE", "/api/session");
    } catch (error) {
      // Already signed out elsewhere (401): the goal is reached all the same.
      if (!(error instanceof ApiError && error.status === 401)) {
        announce(this.root, explain(error, this.messages).text);
        return;
      }
    }
    this.signedOut();
    this.onChange(this.messages.signed_out);
  }

  // The session is over (signed out here, or it expired).
  signedOut() {
    this.teacher = null;
    this.#showBar();
  }
}
