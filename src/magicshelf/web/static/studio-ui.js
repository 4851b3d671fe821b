// Small DOM helpers shared by the studio's forms and page editors.

import { explain } from "./studio-api.js";

function errorSlot(container, field) {
  return container.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
}

export function showError(container, field, text) {
  const slot = errorSlot(container, field);
  if (!slot) return false;
  slot.textContent = text;
  slot.hidden = false;
  container.querySelector(`[name="${CSS.escape(field)}"]`)?.setAttribute("aria-invalid", "true");
  return true;
}

export function clearErrors(container) {
  for (const slot of container.querySelectorAll("[data-error-for]")) {
    slot.textContent = "";
    slot.hidden = true;
  }
  for (const input of container.querySelectorAll("[aria-invalid]")) {
    input.removeAttribute("aria-invalid");
  }
}

// Each field error goes next to its field; anything else next to `fallback`.
export function showProblem(container, error, messages, fallback = "*") {
  const { text, fields } = explain(error, messages);
  let placed = false;
  for (const [field, message] of Object.entries(fields)) {
    placed = showError(container, field, message) || placed;
  }
  if (!placed) showError(container, fallback, text);
}
