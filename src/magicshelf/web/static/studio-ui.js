// Small DOM helpers shared by the studio's views, forms and page editors.

import { explain } from "./studio-api.js";

// The studio is one page of views: an element with data-views="a b" shows in views a and b.
export function showView(root, view) {
  root.dataset.view = view;
  for (const element of root.querySelectorAll("[data-views]")) {
    element.hidden = !element.dataset.views.split(" ").includes(view);
  }
}

// An element is made from a <template> inside `container`: a list item, a grid row.
export function fromTemplate(container, name) {
  return container.querySelector(`template[data-${name}]`).content.firstElementChild.cloneNode(true);
}

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

export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No async clipboard over plain http (a school server on the LAN): the old way.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    return copied;
  }
}

// Addresses inside the studio live in the hash: #turma=ID, #turma=ID&livro=CODE&pagina=N.
export function hashFor(values) {
  return `#${new URLSearchParams(values)}`;
}

// What just happened, said once by the page's status line (a screen reader reads it too).
export function announce(root, text) {
  root.querySelector("[data-announce]").textContent = text;
}

// A status line that says how something went: `problem` shows it as an error.
export function say(status, text, { problem = false } = {}) {
  status.textContent = text;
  status.classList.toggle("problem", problem);
}

// Opens a confirm dialog (see confirm_dialog in studio.html); true if she confirmed.
export function ask(dialog) {
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), {
      once: true,
    });
  });
}

// A file's size for a message, in the page's language: "16,5" in Portuguese, "16.5" in English.
export function megabytes(bytes) {
  return (bytes / 1e6).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
}
