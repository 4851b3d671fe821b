// The teacher's studio: create a book or open one with its code and edit key, then edit
// the details and the six pages. Everything goes through the public JSON API.

import { bookPath, call, format } from "./studio-api.js";
import { PageEditor } from "./studio-pages.js";
import { clearErrors, showError, showProblem } from "./studio-ui.js";

const root = document.querySelector("[data-studio]");
const messages = JSON.parse(root.dataset.messages);
// The key lives in this tab only: never in a cookie or a URL.
const STORAGE_KEY = "magicshelf.studio";
const DETAILS = ["title", "author", "teacher", "school"];

const bookForm = root.querySelector("[data-book-form]");
const bookStatus = bookForm.querySelector("[data-status]");
const openForm = root.querySelector("[data-open-form]");
const keyPanel = root.querySelector("#key-panel");
const copyStatus = keyPanel.querySelector("[data-copy-status]");
let access = null; // { code, key } of the open book

const editors = [...root.querySelectorAll("[data-page-editor]")].map(
  (element) =>
    new PageEditor(element, {
      messages,
      maxUploadBytes: Number(root.dataset.maxUploadBytes),
      access: () => access,
    }),
);

function setMode(mode) {
  for (const element of root.querySelectorAll("[data-show]")) {
    element.hidden = element.dataset.show !== mode;
  }
}

function showBook(book) {
  for (const name of DETAILS) bookForm.elements[name].value = book[name] ?? "";
  root.querySelector("[data-editing]").textContent = format(messages.editing, {
    title: book.title,
    code: book.magic_code,
  });
  root.querySelector("[data-read-link]").href = book.links.reader;
  book.pages.forEach((page, index) => editors[index].show(page));
  setMode("edit");
}

function remember(code, key) {
  access = { code, key };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(access));
}

function forget() {
  access = null;
  sessionStorage.removeItem(STORAGE_KEY);
  bookForm.reset();
  openForm.reset();
  keyPanel.hidden = true;
  bookStatus.textContent = "";
  clearErrors(root);
  setMode("new");
}

function details() {
  const values = Object.fromEntries(DETAILS.map((name) => [name, bookForm.elements[name].value]));
  // An empty school means "no school": the API wants null, not "".
  if (!values.school.trim()) values.school = null;
  return values;
}

function showKeys(code, key) {
  keyPanel.querySelector("[data-created-code]").textContent = code;
  keyPanel.querySelector("[data-created-key]").textContent = key;
  copyStatus.textContent = "";
  keyPanel.hidden = false;
  keyPanel.focus();
}

bookForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(bookForm);
  bookStatus.textContent = messages.saving;
  try {
    if (access === null) {
      const created = await call("POST", "/api/books", { json: details() });
      remember(created.magic_code, created.edit_key);
      showBook(created.book);
      showKeys(created.magic_code, created.edit_key);
    } else {
      showBook(await call("PATCH", bookPath(access.code), { key: access.key, json: details() }));
    }
    bookStatus.textContent = messages.saved;
  } catch (error) {
    bookStatus.textContent = "";
    showProblem(bookForm, error, messages);
  }
});

openForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(openForm);
  const code = openForm.elements.code.value;
  const key = openForm.elements.key.value.trim();
  const missing = [
    ["code", code.trim(), messages.code_required],
    ["key", key, messages.key_required],
  ].filter(([, value]) => !value);
  for (const [name, , text] of missing) showError(openForm, name, text);
  if (missing.length) return;
  try {
    const book = await openBook(code, key);
    remember(book.magic_code, key);
    showBook(book);
  } catch (error) {
    showProblem(openForm, error, messages, keyRefused(error) ? "key" : "code");
  }
});

root.querySelector("[data-close]").addEventListener("click", forget);

async function copy(text) {
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

keyPanel.querySelector("[data-copy]").addEventListener("click", async () => {
  const text = format(messages.copy_text, access);
  if (await copy(text)) {
    copyStatus.textContent = messages.copied;
    return;
  }
  copyStatus.textContent = messages.copy_failed;
  window.getSelection().selectAllChildren(keyPanel.querySelector(".secrets"));
});

window.addEventListener("beforeunload", (event) => {
  if (editors.some((editor) => editor.dirty)) event.preventDefault();
});

// The key is checked before the editor opens, so a wrong one is said at once, not on the
// first save. The API answers 401/403 for the key, 400/404/429 for the code.
async function openBook(code, key) {
  await call("GET", bookPath(code, "access"), { key });
  return call("GET", bookPath(code));
}

function keyRefused(error) {
  return error.status === 401 || error.status === 403;
}

async function reopen() {
  const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
  if (!stored?.code || !stored?.key) return;
  try {
    const book = await openBook(stored.code, stored.key);
    access = stored;
    showBook(book);
  } catch (error) {
    forget();
    openForm.elements.code.value = stored.code;
    showProblem(openForm, error, messages, keyRefused(error) ? "key" : "code");
  }
}

reopen();
