// One book: made here (its edit key shown once), opened with its code and edit key, or,
// for a signed-in teacher, a child's book of her class, which her session cookie edits
// without a key. The details and the six pages, through the public JSON API.

import { bookPath, call, format } from "./studio-api.js";
import { PageEditor } from "./studio-pages.js";
import { clearErrors, copy, hashFor, showError, showProblem, showView } from "./studio-ui.js";

// The key lives in this tab only: never in a cookie or a URL.
const STORAGE_KEY = "magicshelf.studio";
const DETAILS = ["title", "author", "teacher", "school"];

// The key is checked before the editor opens, so a wrong one is said at once, not on the
// first save. The API answers 401/403 for the key, 400/404/429 for the code.
async function openBook(code, key) {
  await call("GET", bookPath(code, "access"), { key });
  return call("GET", bookPath(code));
}

function keyRefused(error) {
  return error.status === 401 || error.status === 403;
}

export class BookStudio {
  constructor(root, messages) {
    this.root = root;
    this.messages = messages;
    this.access = null; // { code, key } of the open book; key null: the session edits it
    this.bookForm = root.querySelector("[data-book-form]");
    this.bookStatus = this.bookForm.querySelector("[data-status]");
    this.openForm = root.querySelector("[data-open-form]");
    this.keyPanel = root.querySelector("#key-panel");
    this.copyStatus = this.keyPanel.querySelector("[data-copy-status]");
    this.editors = [...root.querySelectorAll("[data-page-editor]")].map(
      (element) =>
        new PageEditor(element, {
          messages,
          maxUploadBytes: Number(root.dataset.maxUploadBytes),
          access: () => this.access,
        }),
    );
    this.bookForm.addEventListener("submit", (event) => this.#saveDetails(event));
    this.openForm.addEventListener("submit", (event) => this.#openWithKey(event));
    root.querySelector("[data-close]").addEventListener("click", () => this.forget());
    this.keyPanel.querySelector("[data-copy]").addEventListener("click", () => this.#copyKeys());
  }

  get dirty() {
    return this.editors.some((editor) => editor.dirty);
  }

  #show(book) {
    for (const name of DETAILS) this.bookForm.elements[name].value = book[name] ?? "";
    this.root.querySelector("[data-editing]").textContent = format(this.messages.editing, {
      title: book.title,
      code: book.magic_code,
    });
    this.root.querySelector("[data-read-link]").href = book.links.reader;
    book.pages.forEach((page, index) => this.editors[index].show(page));
    this.bookStatus.textContent = "";
    showView(this.root, this.access.key === null ? "book-in-class" : "book");
  }

  #remember(code, key) {
    this.access = { code, key };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.access));
  }

  // Back to the start: no book open, no key kept.
  forget() {
    this.access = null;
    sessionStorage.removeItem(STORAGE_KEY);
    this.bookForm.reset();
    this.openForm.reset();
    this.keyPanel.hidden = true;
    this.bookStatus.textContent = "";
    clearErrors(this.root);
    showView(this.root, "start");
  }

  #details() {
    const form = this.bookForm.elements;
    const values = Object.fromEntries(DETAILS.map((name) => [name, form[name].value]));
    // An empty school means "no school": the API wants null, not "".
    if (!values.school.trim()) values.school = null;
    return values;
  }

  #showKeys(code, key) {
    this.keyPanel.querySelector("[data-created-code]").textContent = code;
    this.keyPanel.querySelector("[data-created-key]").textContent = key;
    this.copyStatus.textContent = "";
    this.keyPanel.hidden = false;
    this.keyPanel.focus();
  }

  async #saveDetails(event) {
    event.preventDefault();
    clearErrors(this.bookForm);
    this.bookStatus.textContent = this.messages.saving;
    try {
      if (this.access === null) {
        const created = await call("POST", "/api/books", { json: this.#details() });
        this.#remember(created.magic_code, created.edit_key);
        this.#show(created.book);
        this.#showKeys(created.magic_code, created.edit_key);
      } else {
        const { code, key } = this.access;
        this.#show(await call("PATCH", bookPath(code), { key, json: this.#details() }));
      }
      this.bookStatus.textContent = this.messages.saved;
    } catch (error) {
      this.bookStatus.textContent = "";
      showProblem(this.bookForm, error, this.messages);
    }
  }

  async #openWithKey(event) {
    event.preventDefault();
    const form = this.openForm;
    clearErrors(form);
    const code = form.elements.code.value;
    const key = form.elements.key.value.trim();
    const missing = [
      ["code", code.trim(), this.messages.code_required],
      ["key", key, this.messages.key_required],
    ].filter(([, value]) => !value);
    for (const [name, , text] of missing) showError(form, name, text);
    if (missing.length) return;
    try {
      const book = await openBook(code, key);
      this.#remember(book.magic_code, key);
      this.#show(book);
    } catch (error) {
      showProblem(form, error, this.messages, keyRefused(error) ? "key" : "code");
    }
  }

  async #copyKeys() {
    if (await copy(format(this.messages.copy_text, this.access))) {
      this.copyStatus.textContent = this.messages.copied;
      return;
    }
    this.copyStatus.textContent = this.messages.copy_failed;
    window.getSelection().selectAllChildren(this.keyPanel.querySelector(".secrets"));
  }

  // The book this tab had open with its key, if any (a reload, or back from the reader).
  async reopen() {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    if (!stored?.code || !stored?.key) return;
    try {
      const book = await openBook(stored.code, stored.key);
      this.access = stored;
      this.#show(book);
    } catch (error) {
      this.forget();
      this.openForm.elements.code.value = stored.code;
      showProblem(this.openForm, error, this.messages, keyRefused(error) ? "key" : "code");
    }
  }

  // A child's book of the signed-in teacher's class, at page `number`: ready to type in.
  async openInClass(code, classId, number) {
    const book = await openBook(code, null);
    this.access = { code: book.magic_code, key: null };
    this.keyPanel.hidden = true;
    this.root.querySelector("[data-class-link]").href = hashFor({ turma: classId });
    this.#show(book);
    (this.editors[number - 1] ?? this.editors[0]).text.focus();
  }
}
