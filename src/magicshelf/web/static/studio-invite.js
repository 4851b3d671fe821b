// For the school's admin: one-time links that let a colleague sign up, or set a new
// password (a school server often sends no email, so the admin hands the link over).

import { call, format } from "./studio-api.js";
import { clearErrors, copy, showProblem } from "./studio-ui.js";

export class InviteForm {
  constructor(root, messages) {
    this.card = root.querySelector("[data-admin]");
    const form = this.card.querySelector("[data-invite-form]");
    const made = this.card.querySelector("[data-made-link]");
    const status = made.querySelector("[data-status]");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      made.hidden = true;
      try {
        const link = await call("POST", "/api/invitations", {
          json: { email: form.elements.email.value, purpose: form.elements.purpose.value },
        });
        const until = new Date(link.expires_at).toLocaleString(document.documentElement.lang, {
          dateStyle: "short",
          timeStyle: "short",
        });
        made.querySelector("[data-link-for]").textContent = format(messages.link_for, {
          email: link.email,
          until,
        });
        made.querySelector("[data-link]").textContent = link.url;
        status.textContent = "";
        made.hidden = false;
        form.reset();
      } catch (error) {
        showProblem(form, error, messages);
      }
    });
    made.querySelector("[data-copy-link]").addEventListener("click", async () => {
      const copied = await copy(made.querySelector("[data-link]").textContent);
      status.textContent = copied ? messages.copied : messages.link_copy_failed;
    });
  }

  // Only the admin may make links; the others do not see the card.
  show(teacher) {
    this.card.hidden = !teacher.is_admin;
  }
}
