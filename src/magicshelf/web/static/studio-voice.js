// A page's recording: the child reading the page aloud. Recorded here (level meter, clock,
// a stop at the length limit), listened to, then sent; or a file from the computer. The
// server makes of either one AAC file, and the page then plays what it stored.

import { call, format, upload } from "./studio-api.js";
import { MicrophoneError, Recording } from "./studio-recorder.js";
import { clearErrors, megabytes, say, showError, showProblem } from "./studio-ui.js";

// The recorder's file lasts a little longer than the time counted here, and the server
// refuses anything over the limit: the automatic stop comes this much earlier.
const STOP_MARGIN_MS = 500;

// 0:07, 3:00
export function clock(seconds) {
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

export class PageVoice {
  // `path()` is the page's audio address, `key()` the open book's edit key (null: the session).
  constructor(element, { number, messages, maxBytes, maxSeconds, path, key }) {
    this.element = element;
    this.number = number;
    this.messages = messages;
    this.maxBytes = maxBytes;
    this.maxSeconds = maxSeconds;
    this.path = path;
    this.key = key;
    this.shown = 0; // counts show(): an answer for a page no longer shown is dropped
    this.stored = null; // the page's recording on the server
    this.recording = null; // the take being recorded
    this.take = null; // { file, address }: recorded, not sent yet
    this.limitTimer = null;
    this.frame = null;
    const find = (selector) => element.querySelector(selector);
    this.storedAudio = find("[data-stored-audio]");
    this.duration = find("[data-duration]");
    this.level = find("[data-level]");
    this.clock = find("[data-clock]");
    this.takeAudio = find("[data-take-audio]");
    this.progress = find("[data-voice-progress]");
    this.file = find("[data-audio-file]");
    this.status = find('[data-status="voice"]');
    this.buttons = {
      record: find("[data-record]"),
      stop: find("[data-stop]"),
      send: find("[data-send]"),
      again: find("[data-record-again]"),
      remove: find("[data-remove-voice]"),
    };
    this.working = false;
    this.#on(this.buttons.record, "click", () => this.#record());
    this.#on(this.buttons.again, "click", () => this.#record());
    this.#on(this.buttons.stop, "click", () => this.#stop());
    this.#on(this.buttons.send, "click", () => this.#send(this.take.file));
    this.#on(this.buttons.remove, "click", () => this.#remove());
    this.#on(this.file, "click", () => {}); // no file chooser while busy
    this.file.addEventListener("change", () => {
      if (this.file.files[0]) this.#send(this.file.files[0]);
    });
  }

  // A take not sent yet would be lost by leaving.
  get pending() {
    return this.recording !== null || this.take !== null;
  }

  show(audio) {
    this.shown += 1;
    this.recording?.cancel();
    this.#endRecording();
    this.#dropTake();
    clearErrors(this.element);
    say(this.status, "");
    this.#showStored(audio);
  }

  // Shows the parts made for `state` (data-when): none, stored, recording or take. If the
  // focus was on a part now hidden, it goes to `focus`.
  #enter(state, focus) {
    const active = document.activeElement;
    for (const part of this.element.querySelectorAll("[data-when]")) {
      part.hidden = !part.dataset.when.split(" ").includes(state);
    }
    if (this.element.contains(active) && active.closest("[hidden]")) focus.focus();
  }

  #showStored(audio) {
    this.stored = audio;
    if (audio) {
      this.storedAudio.src = audio.url;
      this.duration.textContent = format(this.messages.voice_duration, {
        duration: clock(audio.duration_seconds),
      });
    } else {
      this.storedAudio.removeAttribute("src");
      this.storedAudio.load(); // forget what was playing
    }
    this.#enter(audio ? "stored" : "none", audio ? this.storedAudio : this.buttons.record);
  }

  // While the microphone is asked for, or a request is on its way, the buttons say they
  // are off but keep the focus (a disabled button would drop a keyboard's place).
  #busy(busy) {
    this.working = busy;
    for (const control of [...Object.values(this.buttons), this.file]) {
      if (busy) control.setAttribute("aria-disabled", "true");
      else control.removeAttribute("aria-disabled");
    }
  }

  #on(control, type, action) {
    control.addEventListener(type, (event) => {
      if (this.working) event.preventDefault();
      else action();
    });
  }

  #problem(text) {
    say(this.status, "");
    showError(this.element, "audio", text);
  }

  // The server said no (or could not be reached): its problem, in the page's words.
  #refused(error) {
    say(this.status, "");
    showProblem(this.element, error, this.messages, "audio");
  }

  async #record() {
    clearErrors(this.element);
    const shown = this.shown;
    this.#busy(true);
    let recording;
    try {
      recording = await Recording.start();
    } catch (error) {
      if (!(error instanceof MicrophoneError)) throw error;
      if (shown === this.shown) this.#problem(this.messages[error.reason]);
      return;
    } finally {
      this.#busy(false);
    }
    if (shown !== this.shown) {
      recording.cancel();
      return;
    }
    this.#dropTake();
    this.recording = recording;
    this.#enter("recording", this.buttons.stop);
    this.buttons.stop.focus();
    say(this.status, this.messages.recording);
    this.limitTimer = setTimeout(
      () => this.#stop({ atLimit: true }),
      this.maxSeconds * 1000 - STOP_MARGIN_MS,
    );
    this.#watch();
  }

  // The meter and the clock follow the recording, once a frame.
  #watch() {
    const recording = this.recording;
    if (recording === null) return;
    this.level.value = recording.level();
    this.clock.textContent = `${clock(Math.floor(recording.seconds))} / ${clock(this.maxSeconds)}`;
    this.frame = requestAnimationFrame(() => this.#watch());
  }

  #endRecording() {
    clearTimeout(this.limitTimer);
    cancelAnimationFrame(this.frame);
    this.recording = null;
    this.level.value = 0;
  }

  async #stop({ atLimit = false } = {}) {
    const recording = this.recording;
    if (recording === null) return;
    const shown = this.shown;
    const seconds = recording.seconds;
    this.#endRecording();
    const file = await recording.stop(`pagina-${this.number}`);
    if (shown !== this.shown) return;
    if (file.size === 0) {
      this.#showStored(this.stored);
      this.#problem(this.messages.recording_empty);
      return;
    }
    this.take = { file, address: URL.createObjectURL(file) };
    this.takeAudio.src = this.take.address;
    this.#enter("take", this.buttons.send);
    const message = atLimit ? "recording_limit" : "recorded";
    say(this.status, format(this.messages[message], {
      duration: clock(seconds),
      limit: clock(this.maxSeconds),
    }));
  }

  #dropTake() {
    if (this.take === null) return;
    URL.revokeObjectURL(this.take.address);
    this.take = null;
    this.takeAudio.removeAttribute("src");
    this.takeAudio.load();
  }

  async #send(file) {
    clearErrors(this.element);
    // Checked here too: a server refusing a huge body mid-stream looks like a lost connection.
    if (file.size > this.maxBytes) {
      this.#problem(format(this.messages.voice_too_large, {
        size: megabytes(file.size),
        max: megabytes(this.maxBytes),
      }));
      this.file.value = "";
      return;
    }
    const shown = this.shown;
    this.#busy(true);
    this.progress.value = 0;
    this.progress.hidden = false;
    try {
      const audio = await upload(this.path(), this.key(), file, (part) => {
        this.progress.value = Math.round(part * 100);
        this.status.textContent =
          part < 1
            ? format(this.messages.uploading, { percent: Math.round(part * 100) })
            : this.messages.voice_processing;
      });
      if (shown !== this.shown) return;
      this.#dropTake();
      this.#showStored(audio);
      say(this.status, this.messages.voice_uploaded);
    } catch (error) {
      if (shown === this.shown) this.#refused(error);
    } finally {
      this.#busy(false);
      this.progress.hidden = true;
      this.file.value = ""; // choosing the same file again must send it again
    }
  }

  async #remove() {
    clearErrors(this.element);
    const shown = this.shown;
    this.#busy(true);
    say(this.status, this.messages.removing);
    try {
      await call("DELETE", this.path(), { key: this.key() });
      if (shown !== this.shown) return;
      this.#showStored(null);
      say(this.status, this.messages.voice_removed);
    } catch (error) {
      if (shown === this.shown) this.#refused(error);
    } finally {
      this.#busy(false);
    }
  }
}
