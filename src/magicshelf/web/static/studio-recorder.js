// The microphone, for one take: MediaRecorder keeps the sound, an AnalyserNode says how
// loud it is right now (the level meter). No sound leaves the browser until it is sent.

// What MediaRecorder may make, best first; the server takes every one of them.
const RECORDING_TYPES = ["audio/webm;codecs=opus", "audio/mp4", "audio/ogg;codecs=opus"];
const EXTENSIONS = { "audio/webm": "webm", "audio/mp4": "m4a", "audio/ogg": "ogg" };
// The meter shows -60 dBFS (a quiet room) to 0 dBFS (as loud as it gets); speech at a
// good distance sits around the middle.
const FLOOR_DB = -60;

// `reason` names the message that explains it (js.mic_*).
export class MicrophoneError extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;
  }
}

const REFUSALS = {
  NotAllowedError: "mic_refused",
  SecurityError: "mic_refused",
  NotFoundError: "mic_missing",
  OverconstrainedError: "mic_missing",
  NotReadableError: "mic_busy",
  AbortError: "mic_busy",
};

async function openMicrophone() {
  // Browsers offer the microphone only to https pages (and localhost).
  if (!window.isSecureContext) throw new MicrophoneError("mic_insecure");
  if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
    throw new MicrophoneError("mic_unsupported");
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
  } catch (error) {
    throw new MicrophoneError(REFUSALS[error?.name] ?? "mic_failed");
  }
}

export class Recording {
  // Asks for the microphone (the browser may ask the teacher) and starts recording.
  static async start() {
    return new Recording(await openMicrophone());
  }

  constructor(stream) {
    this.stream = stream;
    const mimeType = RECORDING_TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    this.recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
    this.chunks = [];
    this.recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    });
    this.stopped = new Promise((resolve) => {
      this.recorder.addEventListener("stop", resolve, { once: true });
    });
    this.context = new AudioContext();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = 2048;
    this.context.createMediaStreamSource(stream).connect(this.analyser);
    this.samples = new Float32Array(this.analyser.fftSize);
    this.recorder.start();
    this.started = performance.now();
  }

  get seconds() {
    return (performance.now() - this.started) / 1000;
  }

  // How loud the last few milliseconds were, 0..1.
  level() {
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    const rms = Math.sqrt(sum / this.samples.length);
    const decibels = rms > 0 ? 20 * Math.log10(rms) : FLOOR_DB;
    return Math.min(1, Math.max(0, 1 - decibels / FLOOR_DB));
  }

  // The take as a file, named for the page; the microphone is let go.
  async stop(name) {
    if (this.recorder.state !== "inactive") this.recorder.stop();
    await this.stopped;
    this.#release();
    const type = this.recorder.mimeType || this.chunks[0]?.type || RECORDING_TYPES[0];
    const extension = EXTENSIONS[type.split(";")[0]] ?? "webm";
    return new File(this.chunks, `${name}.${extension}`, { type });
  }

  cancel() {
    if (this.recorder.state !== "inactive") this.recorder.stop();
    this.#release();
  }

  #release() {
    for (const track of this.stream.getTracks()) track.stop();
    if (this.context.state !== "closed") this.context.close();
  }
}
