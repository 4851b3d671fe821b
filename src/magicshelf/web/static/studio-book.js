// One book: made here (its edit key shown until the teacher has kept it), opened with its
// code and edit key, or, for a signed-in teacher, a child's book of her class, which her
// session cookie edits without a key and whose lost key she can replace. The details and
// the six pages, through the public JSON API.

import { bookPath, call, download, explain, format, newIntent } from "./studio-api.js";
import { PageEditor } from "./studio-pages.js";
import {
  announce,
  ask,
  clearErrors,
  copy,
  hashFor,
  say,
  showError,
  showProblem,
  showView,
} from "./studio-ui.js";

// Keys live in this tab only (sessionStorage), never in a cookie or a URL: the book open
// with its key, and a key on screen until she says she has kept it (it survives a reload).
const STORAGE_KEY = "magicshelf.studio";
const SHOWN_KEY = "magicshelf.studio.key";
const DETAILS = ["title", "author", "teacher", "school"];

function stored(name) {
  return JSON.parse(sessionStorage.getItem(name) ?? "null");
}

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
    this.submit = this.bookForm.querySelector('[type="submit"]');
    this.intent = null; // { key, body }: the Idempotency-Key of a create not yet answered
    this.keyPanel = root.querySelector("#key-panel");
    this.keyStatus = this.keyPanel.querySelector("[data-key-status]");
    this.shownKey = null; // { code, key, renewed } on the key panel
    this.editors = [...root.querySelectorAll("[data-page-editor]")].map(
      (element) =>
        new PageEditor(element, {
          messages,
          maxUploadBytes: Number(root.dataset.maxUploadBytes),
          voiceLimits: {
            maxBytes: Number(root.dataset.maxAudioBytes),
            maxSeconds: Number(root.dataset.maxAudioSeconds),
          },
          access: () => this.access,
        }),
    );
    this.bookForm.addEventListener("submit", (event) => this.#saveDetails(event));
    this.openForm.addEventListener("submit", (event) => this.#openWithKey(event));
    root.querySelector("[data-close]").addEventListener("click", () => this.#close());
    root.querySelector("[data-rekey]").addEventListener("click", () => this.#rekey());
    const panel = (selector, handler) =>
      this.keyPanel.querySelector(selector).addEventListener("click", handler);
    panel("[data-copy]", () => this.#copyKeys());
    panel("[data-key-card]", () => this.#printCard());
    panel("[data-key-kept]", () => this.#keyKept());
  }

  // A text not saved, or a recording not sent: leaving would lose it.
  get dirty() {
    return this.editors.some((editor) => editor.dirty || editor.voice.pending);
  }

  saveAll() {
    for (const editor of this.editors) editor.save();
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
    const shown = stored(SHOWN_KEY);
    this.#keys(shown?.code === book.magic_code ? shown : null);
  }

  // The key panel shows `shown` ({ code, key, renewed }), or hides with null.
  #keys(shown) {
    this.shownKey = shown;
    this.keyPanel.hidden = shown === null;
    if (shown === null) {
      sessionStorage.removeItem(SHOWN_KEY);
      return;
    }
    sessionStorage.setItem(SHOWN_KEY, JSON.stringify(shown));
    this.keyPanel.querySelector("[data-created-code]").textContent = shown.code;
    this.keyPanel.querySelector("[data-created-key]").textContent = shown.key;
    for (const part of this.keyPanel.querySelectorAll("[data-key-new]")) part.hidden = shown.renewed;
    for (const part of this.keyPanel.querySelectorAll("[data-key-renewed]")) {
      part.hidden = !shown.renewed;
    }
    say(this.keyStatus, "");
  }

  #remember(code, key) {
    this.access = { code, key };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.access));
  }

  // Back to the start: no book open, no key kept.
  forget() {
    this.access = null;
    sessionStorage.removeItem(STORAGE_KEY);
    this.#keys(null);
    // Emptied, so that nothing of the closed book is still waiting to be saved.
    for (const editor of this.editors) editor.show({ text: "", illustration: null, audio: null });
    this.bookForm.reset();
    this.openForm.reset();
    this.bookStatus.textContent = "";
    clearErrors(this.root);
    showView(this.root, "start");
  }

  async #close() {
    if (!this.dirty || (await ask(this.root.querySelector("[data-close-dialog]")))) this.forget();
  }

  #details() {
    const form = this.bookForm.elements;
    const values = Object.fromEntries(DETAILS.map((name) => [name, form[name].value]));
    // An empty school means "no school": the API wants null, not "".
    if (!values.school.trim()) values.school = null;
    return values;
  }

  #showKeys(code, key, { renewed }) {
    this.#keys({ code, key, renewed });
    this.keyPanel.focus();
  }

  async #create() {
    // One intent, however often it is sent: a retry of the same details after a lost
    // answer gets the same book. Other details are another intent (the API would say 409).
    const details = this.#details();
    const body = JSON.stringify(details);
    if (this.intent?.body !== body) this.intent = { key: newIntent(), body };
    try {
      const created = await call("POST", "/api/books", { json: details, intent: this.intent.key });
      this.intent = null;
      this.#remember(created.magic_code, created.edit_key);
      this.#show(created.book);
      this.#showKeys(created.magic_code, created.edit_key, { renewed: false });
    } catch (error) {
      // Answered (a field to fix): what is sent next is another intent.
      if (error.status !== 0) this.intent = null;
      throw error;
    }
  }

  async #saveDetails(event) {
    event.preventDefault();
    // A double tap submits once: the button is off while its request is on its way.
    if (this.submit.disabled) return;
    this.submit.disabled = true;
    clearErrors(this.bookForm);
    this.bookStatus.textContent = this.messages.saving;
    try {
      if (this.access === null) {
        await this.#create();
      } else {
        const { code, key } = this.access;
        this.#show(await call("PATCH", bookPath(code), { key, json: this.#details() }));
      }
      this.bookStatus.textContent = this.messages.saved;
    } catch (error) {
      this.bookStatus.textContent = "";
      showProblem(this.bookForm, error, this.messages);
    } finally {
      this.submit.disabled = false;
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
    if (await copy(format(this.messages.copy_text, this.shownKey))) {
      say(this.keyStatus, this.messages.copied);
      return;
    }
    say(this.keyStatus, this.messages.copy_failed, { problem: true });
    window.getSelection().selectAllChildren(this.keyPanel.querySelector(".secrets"));
  }

  async #printCard() {
    const { code, key } = this.shownKey;
    say(this.keyStatus, this.messages.card_preparing);
    try {
      await download(bookPath(code, "key-card.pdf"), key, `chave-${code}.pdf`);
      say(this.keyStatus, this.messages.card_ready);
    } catch (error) {
      say(this.keyStatus, explain(error, this.messages).text, { problem: true });
    }
  }

  #keyKept() {
    this.#keys(null);
    this.root.querySelector("[data-editing]").focus();
  }

  // A lost key replaced: the old one stops working, the magic code stays.
  async #rekey() {
    if (!(await ask(this.root.querySelector("[data-rekey-dialog]")))) return;
    const { code, key } = this.access;
    try {
      const { edit_key: renewed } = await call("POST", bookPath(code, "edit-key"), { key });
      if (key !== null) this.#remember(code, renewed);
      this.#showKeys(code, renewed, { renewed: true });
    } catch (error) {
      announce(this.root, explain(error, this.messages).text);
    }
  }

  // The book this tab had open with its key, if any (a reload, or back from the reader).
  async reopen() {
    const open = stored(STORAGE_KEY);
    if (!open?.code || !open?.key) return;
    try {
      const book = await openBook(open.code, open.key);
      this.access = open;
      this.#show(book);
    } catch (error) {
      // Offline for now: what this tab keeps stays for the next reload.
      if (error.status === 0) {
        announce(this.root, explain(error, this.messages).text);
        return;
      }
      this.forget();
      this.openForm.elements.code.value = open.code;
      showProblem(this.openForm, error, this.messages, keyRefused(error) ? "key" : "code");
    }
  }

  // A child's book of the signed-in teacher's class, at page `number`: ready to type in.
  async openInClass(code, classId, number) {
    const book = await openBook(code, null);
    this.access = { code: book.magic_code, key: null };
    this.root.querySelector("[data-class-link]").href = hashFor({ turma: classId });
    this.#show(book);
    (this.editors[number - 1] ?? this.editors[0]).text.focus();
  }
}
