// One editor per page: the text with its live counter, saved by itself a moment after
// the typing stops, the drawing with upload, preview, progress, replace and remove, and
// the recording (studio-voice.js).

import { bookPath, call, format, upload } from "./studio-api.js";
import { clearErrors, megabytes, say, showError, showProblem } from "./studio-ui.js";
import { PageVoice } from "./studio-voice.js";

const PAUSE_MS = 1000; // the typing has stopped: save
const RETRY_MS = [2000, 4000, 8000, 15000, 30000]; // then every 30 s until it works

// A lost connection or a server in trouble may pass; a refused text will not.
function worthRetrying(error) {
  return error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
}

// Counted like the server counts (magicshelf/books/text.py): NFC, trimmed, code points.
function characterCount(text) {
  return [...text.replace(/\r\n?/g, "\n").normalize("NFC").trim()].length;
}

export class PageEditor {
  constructor(element, { messages, maxUploadBytes, voiceLimits, access }) {
    this.element = element;
    this.number = Number(element.dataset.pageEditor);
    this.messages = messages;
    this.maxUploadBytes = maxUploadBytes;
    this.access = access; // () => ({ code, key }) of the open book
    this.saved = "";
    this.sending = null; // the text being saved, while its request is on its way
    this.timer = null; // the save to come: after a pause in typing, or a retry
    this.failures = 0; // failed saves in a row, for the retry's backoff
    this.shown = 0; // counts show(): an answer for a page no longer shown is dropped
    this.illustration = null;
    const find = (selector) => element.querySelector(selector);
    this.textArea = find(".page-text");
    this.drawingArea = find(".page-drawing");
    this.text = find("[data-text]");
    this.counter = find("[data-counter]");
    this.textStatus = find('[data-status="text"]');
    this.preview = find("[data-preview]");
    this.noDrawing = find("[data-no-drawing]");
    this.progress = find("[data-progress]");
    this.file = find("[data-file]");
    this.fileLabel = find("[data-file-label]");
    this.remove = find("[data-remove]");
    this.drawingStatus = find('[data-status="drawing"]');
    this.voice = new PageVoice(find("[data-voice]"), {
      number: this.number,
      messages,
      ...voiceLimits,
      path: () => this.#path("audio"),
      key: () => this.access().key,
    });

    this.text.addEventListener("input", () => {
      this.#typed();
      this.#saveIn(PAUSE_MS);
    });
    this.text.addEventListener("change", () => this.save());
    find("[data-save-text]").addEventListener("click", () => this.save());
    // Back online: a text waiting for its retry goes at once.
    window.addEventListener("online", () => {
      if (this.failures > 0) this.save();
    });
    this.file.addEventListener("change", () => this.#upload());
    this.remove.addEventListener("click", () => this.#removeDrawing());
  }

  get dirty() {
    return this.text.value !== this.saved;
  }

  show(page) {
    this.#saveIn(null);
    this.failures = 0;
    this.shown += 1;
    clearErrors(this.element);
    this.text.value = page.text;
    this.saved = page.text;
    this.textStatus.textContent = "";
    this.drawingStatus.textContent = "";
    this.#count();
    this.#showDrawing(page.illustration);
    this.voice.show(page.audio);
  }

  #path(...rest) {
    return bookPath(this.access().code, "pages", String(this.number), ...rest);
  }

  #count() {
    const max = Number(this.text.dataset.max);
    const count = characterCount(this.text.value);
    const over = count > max;
    this.counter.textContent = format(this.messages[over ? "too_long" : "counter"], {
      count,
      max,
    });
    this.counter.classList.toggle("over", over);
  }

  #typed() {
    this.#count();
    if (this.failures === 0) say(this.textStatus, this.dirty ? this.messages.unsaved : "");
  }

  // The next save in `delay` ms, replacing the one planned; null plans none.
  #saveIn(delay) {
    clearTimeout(this.timer);
    this.timer = delay === null ? null : setTimeout(() => this.save(), delay);
  }

  async save() {
    this.#saveIn(null);
    // One request at a time, in order; the text typed meanwhile goes once it is answered.
    if (!this.dirty || this.sending !== null) return;
    const text = this.text.value;
    const shown = this.shown;
    let typedOn = false;
    this.sending = text;
    clearErrors(this.textArea);
    say(this.textStatus, this.messages.saving);
    try {
      const page = await call("PUT", this.#path(), { key: this.access().key, json: { text } });
      if (shown !== this.shown) return;
      this.saved = page.text;
      this.failures = 0;
      // The server trims and normalises; show its version unless the teacher typed on.
      if (this.text.value === text) this.text.value = page.text;
      this.#typed();
      typedOn = this.dirty;
      if (!typedOn) say(this.textStatus, this.messages.saved);
    } catch (error) {
      if (shown === this.shown) this.#failed(error);
    } finally {
      this.sending = null;
    }
    if (typedOn) this.#saveIn(PAUSE_MS);
  }

  // Said next to the page; tried again later when it may work then.
  #failed(error) {
    if (!worthRetrying(error)) {
      say(this.textStatus, "");
      showProblem(this.textArea, error, this.messages, "text");
      return;
    }
    const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)];
    this.failures += 1;
    say(this.textStatus, format(this.messages.save_retry, { seconds: delay / 1000 }), {
      problem: true,
    });
    this.#saveIn(delay);
  }

  #showDrawing(illustration) {
    this.illustration = illustration;
    this.preview.hidden = illustration === null;
    this.noDrawing.hidden = illustration !== null;
    if (illustration) this.#preview(illustration.thumbnail_url);
    else this.preview.removeAttribute("src");
    this.remove.hidden = illustration === null;
    this.fileLabel.textContent = this.messages[illustration ? "replace" : "choose"];
  }

  #preview(source) {
    this.preview.src = source;
    this.preview.alt = format(this.messages.preview_alt, { number: this.number });
    this.preview.hidden = false;
    this.noDrawing.hidden = true;
  }

  #drawingProblem(error) {
    this.drawingStatus.textContent = "";
    showProblem(this.drawingArea, error, this.messages, "file");
  }

  async #upload() {
    const file = this.file.files[0];
    if (!file) return;
    clearErrors(this.drawingArea);
    // Checked here too: a server refusing a huge body mid-stream looks like a lost connection.
    if (file.size > this.maxUploadBytes) {
      showError(this.drawingArea, "file", format(this.messages.file_too_large, {
        size: megabytes(file.size),
        max: megabytes(this.maxUploadBytes),
      }));
      this.file.value = "";
      return;
    }
    const local = URL.createObjectURL(file);
    this.#preview(local);
    this.progress.value = 0;
    this.progress.hidden = false;
    try {
      const illustration = await upload(this.#path("illustration"), this.access().key, file, (part) => {
        this.progress.value = Math.round(part * 100);
        this.drawingStatus.textContent =
          part < 1
            ? format(this.messages.uploading, { percent: Math.round(part * 100) })
            : this.messages.processing;
      });
      this.#showDrawing(illustration);
      this.drawingStatus.textContent = this.messages.uploaded;
    } catch (error) {
      this.#showDrawing(this.illustration);
      this.#drawingProblem(error);
    } finally {
      URL.revokeObjectURL(local);
      this.progress.hidden = true;
      this.file.value = ""; // choosing the same file again must upload again
    }
  }

  async #removeDrawing() {
    clearErrors(this.drawingArea);
    this.drawingStatus.textContent = this.messages.removing;
    try {
      await call("DELETE", this.#path("illustration"), { key: this.access().key });
      this.#showDrawing(null);
      this.drawingStatus.textContent = this.messages.removed;
    } catch (error) {
      this.#drawingProblem(error);
    }
  }
}
