// One class: the grid of the children's books (which of the six pages have a text, a
// drawing and the child's recording, each page a link into the book editor), publishing,
// the two PDFs, the roster, and deleting the class once the teacher has confirmed it.

import { bookPath, call, explain, format } from "./studio-api.js";
import { classAbout } from "./studio-classes.js";
import { RosterForm } from "./studio-roster.js";
import { ask, fromTemplate, hashFor, showView } from "./studio-ui.js";

function classPath(id, ...rest) {
  return ["/api/classes", encodeURIComponent(id), ...rest].join("/");
}

function pageState({ has_text: text, has_drawing: drawing }) {
  if (text && drawing) return "complete";
  return text || drawing ? "partial" : "empty";
}

export class ClassView {
  constructor(root, messages, { navigate }) {
    this.root = root;
    this.messages = messages;
    this.navigate = navigate;
    this.current = null; // the class on screen, as GET /api/classes/{id} answered
    this.status = root.querySelector("[data-class-status]");
    this.error = root.querySelector("[data-class-error]");
    this.body = root.querySelector("[data-grid-body]");
    this.dialog = root.querySelector("[data-delete-dialog]");
    this.roster = new RosterForm(root, messages, {
      classId: () => this.current.id,
      onCreated: async (message) => {
        await this.#reload(message);
        this.root.querySelector(".grid-scroll").focus();
      },
    });
    root.querySelector("[data-publish-all]").addEventListener("click", () => this.#publishAll());
    root.querySelector("[data-delete]").addEventListener("click", () => this.#askDelete());
  }

  async show(id, teacher) {
    const found = await call("GET", classPath(id));
    if (found.id !== this.current?.id) this.roster.reset();
    this.current = found;
    this.#say("");
    this.#render();
    showView(this.root, "class");
    const owner = found.teachers.find((someone) => someone.owner);
    this.root.querySelector("[data-owner-only]").hidden = owner?.email !== teacher.email;
  }

  #say(text) {
    this.status.textContent = text;
    this.error.hidden = true;
  }

  #fail(error) {
    this.status.textContent = "";
    this.error.textContent = explain(error, this.messages).text;
    this.error.hidden = false;
  }

  async #reload(message) {
    try {
      this.current = await call("GET", classPath(this.current.id));
      this.#render();
      this.#say(message);
    } catch (error) {
      this.#fail(error);
    }
  }

  #render() {
    const { name, books, links } = this.current;
    const find = (selector) => this.root.querySelector(selector);
    find("[data-class-name]").textContent = name;
    find("[data-class-about]").textContent = classAbout(this.current);
    find("[data-slips]").href = links.slips;
    find("[data-books-pdf]").href = links.books_pdf;
    const some = books.length > 0;
    for (const element of this.root.querySelectorAll("[data-class-actions], [data-grid]")) {
      element.hidden = !some;
    }
    find("[data-no-books]").hidden = some;
    find("[data-roster-first]").hidden = some;
    find("[data-roster-more]").hidden = !some;
    const pages = books.flatMap((book) => book.pages);
    const published = books.filter((book) => book.published).length;
    // The class PDF holds the published books only: nothing to offer before the first.
    find("[data-books-pdf]").hidden = published === 0;
    find("[data-summary]").textContent = format(this.messages.summary, {
      children: books.length,
      complete: pages.filter((page) => pageState(page) === "complete").length,
      pages: pages.length,
      published,
    });
    this.body.replaceChildren(...books.map((book) => this.#row(book)));
  }

  #row(book) {
    const row = fromTemplate(this.root, "grid-row");
    const { author, magic_code: code } = book;
    row.querySelector("[data-author]").textContent = author;
    row.querySelector("[data-title]").textContent = book.title;
    for (const page of book.pages) {
      const cell = row.querySelector(`[data-cell="${page.number}"]`);
      cell.href = hashFor({ turma: this.current.id, livro: code, pagina: page.number });
      cell.classList.add(pageState(page));
      cell.classList.toggle("has-text", page.has_text);
      cell.classList.toggle("has-drawing", page.has_drawing);
      cell.classList.toggle("has-audio", page.has_audio);
      cell.querySelector("[data-cell-label]").textContent = format(this.messages.cell, {
        author,
        number: page.number,
        text: this.messages[page.has_text ? "has_text" : "no_text"],
        drawing: this.messages[page.has_drawing ? "has_drawing" : "lacks_drawing"],
        audio: this.messages[page.has_audio ? "has_audio" : "no_audio"],
      });
    }
    row.querySelector("[data-published]").hidden = !book.published;
    const publish = row.querySelector("[data-publish]");
    publish.hidden = book.published;
    publish.querySelector("[data-publish-whose]").textContent = format(
      this.messages.publish_whose,
      { author },
    );
    publish.addEventListener("click", () => this.#publish(book, row.sectionRowIndex));
    return row;
  }

  async #publish(book, index) {
    this.#say(this.messages.publishing);
    try {
      await call("PATCH", bookPath(book.magic_code), { json: { published: true } });
      book.published = true;
      this.#render();
      this.#say(format(this.messages.published_one, { author: book.author }));
      // The button is gone with the draft: the focus stays on that child's row.
      this.body.rows[index].querySelector("[data-published]").focus();
    } catch (error) {
      this.#fail(error);
    }
  }

  async #publishAll() {
    this.#say(this.messages.publishing);
    try {
      await call("POST", classPath(this.current.id, "publish"));
      await this.#reload(this.messages.published_all);
    } catch (error) {
      this.#fail(error);
    }
  }

  async #askDelete() {
    const { name, books } = this.current;
    this.dialog.querySelector("[data-confirm-heading]").textContent = format(
      this.messages.delete_heading,
      { name },
    );
    this.dialog.querySelector("[data-confirm-text]").textContent = format(
      this.messages.delete_text,
      { count: books.length },
    );
    if (await ask(this.dialog)) this.#delete();
  }

  async #delete() {
    const { id, name } = this.current;
    try {
      await call("DELETE", classPath(id));
      this.current = null;
      this.navigate("#", format(this.messages.class_deleted, { name }));
    } catch (error) {
      this.#fail(error);
    }
  }
}
