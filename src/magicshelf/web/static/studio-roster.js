// The class list: pasted (one name per line, or a column copied from Excel) or a CSV file.
// The API reads it twice: first with ?preview=true, to show what it understood, then for
// real once the teacher confirms. A bad line is named, and then nothing is created.

import { call, explain, format, newIntent, plural } from "./studio-api.js";
import { clearErrors } from "./studio-ui.js";

const FIELD_LINE = /^line (\d+)$/;

export class RosterForm {
  constructor(root, messages, { classId, onCreated }) {
    this.messages = messages;
    this.classId = classId; // () => id of the class on screen
    this.onCreated = onCreated;
    this.source = null; // what was previewed: { text } or { file }
    this.intent = null; // the Idempotency-Key of creating its books, sent again on a retry
    this.form = root.querySelector("[data-roster-form]");
    this.names = this.form.elements.names;
    this.file = this.form.elements.file;
    this.status = this.form.querySelector("[data-status]");
    this.error = this.form.querySelector("#roster-error");
    this.preview = root.querySelector("[data-roster-preview]");
    this.confirm = this.preview.querySelector("[data-confirm]");

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#check({ text: this.names.value });
    });
    this.file.addEventListener("change", () => {
      const [file] = this.file.files;
      this.file.value = ""; // choosing the same file again, fixed, must read it again
      if (file) this.#check({ file });
    });
    // A preview is of what was sent: changing the list makes it stale.
    this.names.addEventListener("input", () => this.#discard());
    this.confirm.addEventListener("click", () => this.#create());
    this.preview.querySelector("[data-discard]").addEventListener("click", () => {
      this.#discard();
      this.names.focus();
    });
  }

  reset() {
    this.form.reset();
    this.#discard();
    this.#clear();
  }

  #send(preview) {
    const { text, file } = this.source;
    let body = text;
    if (file) {
      body = new FormData();
      body.append("file", file);
    }
    const query = preview ? "?preview=true" : "";
    return call("POST", `/api/classes/${encodeURIComponent(this.classId())}/roster${query}`, {
      body,
      intent: preview ? null : this.intent,
    });
  }

  #clear() {
    clearErrors(this.form);
    this.status.textContent = "";
  }

  #discard() {
    this.preview.hidden = true;
    this.source = null;
    this.intent = null;
  }

  async #check(source) {
    this.#clear();
    this.#discard();
    this.source = source;
    this.status.textContent = this.messages.reading_list;
    try {
      this.#showPreview(await this.#send(true));
      this.intent = newIntent();
    } catch (error) {
      this.source = null;
      this.#showProblem(error);
    }
  }

  #understood({ format: kind, encoding, delimiter, header, column }) {
    if (kind === "text") return this.messages.understood_text;
    return format(this.messages.understood_table, {
      delimiter: delimiter === "\t" ? this.messages.tab : `“${delimiter}”`,
      // The BOM is how Excel marks "CSV UTF-8": to the teacher, it is UTF-8.
      encoding: (encoding ?? "utf-8").replace(/-sig$/, "").toUpperCase(),
      header: this.messages[header ? "with_header" : "without_header"],
      column,
    });
  }

  #showPreview({ names, understood }) {
    this.status.textContent = "";
    const count = names.length;
    this.preview.querySelector("[data-preview-heading]").textContent = plural(
      this.messages,
      "understood_heading",
      count,
    );
    this.preview.querySelector("[data-understood]").textContent = this.#understood(understood);
    this.preview.querySelector("[data-preview-names]").replaceChildren(
      ...names.map((name) => {
        const item = document.createElement("li");
        item.textContent = name;
        return item;
      }),
    );
    this.confirm.textContent = plural(this.messages, "create_books", count);
    this.preview.hidden = false;
    this.preview.focus();
  }

  async #create() {
    this.#clear();
    this.status.textContent = this.messages.creating;
    this.confirm.disabled = true;
    try {
      const { books } = await this.#send(false);
      this.reset();
      this.onCreated(plural(this.messages, "created_books", books.length));
    } catch (error) {
      // A lost answer is retried as the same intent; an answered refusal is not.
      if (error.status !== 0) this.intent = newIntent();
      this.#showProblem(error);
    } finally {
      this.confirm.disabled = false;
    }
  }

  // One line per problem, each naming the line of the list it is about.
  #showProblem(error) {
    this.status.textContent = "";
    const { text, fields } = explain(error, this.messages);
    const lines = Object.entries(fields).map(([field, message]) => {
      const line = FIELD_LINE.exec(field)?.[1];
      return line ? format(this.messages.roster_line, { line, message }) : message;
    });
    const shown = lines.length ? lines : [text];
    this.error.replaceChildren(
      ...shown.map((message) => {
        const paragraph = document.createElement("p");
        paragraph.textContent = message;
        return paragraph;
      }),
    );
    this.error.hidden = false;
    this.names.setAttribute("aria-invalid", "true");
  }
}
