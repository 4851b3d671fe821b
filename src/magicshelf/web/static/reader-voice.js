// Listening to the child read: one page's recording (play, pause), or the whole book read
// aloud, turning to each page with a recording and on to "Fim"; pages without one are
// skipped. Without this script every such page has its own plain <audio controls>.
//
// One <audio> element plays every recording: iOS plays sound only after a tap, and keeps
// that permission for the element the tap started, so the book's next pages play on it.

export class Listening {
  // `turnTo(number)` shows a page; `end` is the number of the end page.
  constructor(sheets, { turnTo, end }) {
    this.turnTo = turnTo;
    this.end = end;
    this.player = document.createElement("audio");
    this.player.preload = "none";
    this.mode = null; // "page" or "book" while something is being listened to
    this.playing = null; // the page whose recording is in the player
    this.turning = false; // the page is being turned from here, not by the reader
    this.recordings = new Map(); // page number → { source, button }
    this.failure = document.querySelector("[data-voice-error]");
    for (const sheet of sheets) {
      const voice = sheet.querySelector("[data-voice]");
      if (!voice) continue;
      const number = Number(sheet.dataset.page);
      const plain = voice.querySelector("audio");
      const button = voice.querySelector("[data-listen]");
      plain.hidden = true;
      button.hidden = false;
      button.addEventListener("click", () => this.#togglePage(number));
      this.recordings.set(number, { source: plain.getAttribute("src"), button });
    }
    this.bookButton = document.querySelector("[data-listen-book]");
    if (this.recordings.size > 0) {
      this.bookButton.hidden = false;
      this.bookButton.addEventListener("click", () => this.#toggleBook());
    }
    this.player.addEventListener("ended", () => this.#ended());
    this.player.addEventListener("error", () => this.#failed());
    for (const type of ["play", "pause"]) {
      this.player.addEventListener(type, () => this.#reflect());
    }
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.mode !== null) {
        event.preventDefault();
        this.stop();
      }
    });
  }

  // reader.js calls this on every page turn: a turn by the reader ends the listening.
  turned() {
    if (!this.turning && this.mode !== null) this.stop();
  }

  stop() {
    this.mode = null;
    this.playing = null;
    this.player.pause();
    this.#reflect();
  }

  #togglePage(number) {
    if (this.mode === "page" && this.playing === number) {
      if (this.player.paused) this.#resume();
      else this.player.pause();
      return;
    }
    this.#play(number, "page");
  }

  #toggleBook() {
    if (this.mode === "book") this.stop();
    else this.#play(this.#after(0), "book");
  }

  // The first page with a recording after page `number`, or null.
  #after(number) {
    const later = [...this.recordings.keys()].filter((page) => page > number);
    return later.length > 0 ? Math.min(...later) : null;
  }

  #play(number, mode) {
    this.failure.textContent = "";
    this.mode = mode;
    this.playing = number;
    this.#turn(number);
    this.player.src = this.recordings.get(number).source;
    this.#resume();
  }

  #resume() {
    this.player.play().catch((error) => {
      // A newer src (the next page, a tap on another page) interrupts the play: not a failure.
      if (error.name !== "AbortError") this.#failed();
    });
    this.#reflect();
  }

  #turn(number) {
    this.turning = true;
    try {
      this.turnTo(number);
    } finally {
      this.turning = false;
    }
  }

  #ended() {
    if (this.mode !== "book") {
      this.stop();
      return;
    }
    const next = this.#after(this.playing);
    if (next !== null) {
      this.#play(next, "book");
      return;
    }
    this.stop();
    this.#turn(this.end);
  }

  #failed() {
    if (this.mode === null) return;
    this.stop();
    this.failure.textContent = this.failure.dataset.text;
  }

  // aria-pressed says what plays: a page's button while its recording sounds, the book's
  // button while the book is being read aloud.
  #reflect() {
    for (const [number, { button }] of this.recordings) {
      const sounding = this.playing === number && !this.player.paused;
      button.setAttribute("aria-pressed", String(sounding));
    }
    this.bookButton.setAttribute("aria-pressed", String(this.mode === "book"));
  }
}
