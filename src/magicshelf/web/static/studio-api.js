// The studio talks only to the public JSON API. Errors come back as problem+json
// (RFC 9457); `explain` turns one into messages for the fields it concerns.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status; // 0: the request never got an answer
    this.problem = problem;
  }
}

function headersFor(key, extra = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (key) headers.Authorization = `Bearer ${key}`;
  return headers;
}

export function bookPath(code, ...rest) {
  return ["/api/books", encodeURIComponent(code), ...rest].join("/");
}

// The id of one intent to create (a book, a class's books), sent as Idempotency-Key: the
// API answers a retry of the same intent with its first result instead of making another.
// crypto.randomUUID exists only on secure pages; a school server on the LAN is plain http.
export function newIntent() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return [8, 12, 16, 20, 32].map((end, i, ends) => hex.slice(ends[i - 1] ?? 0, end)).join("-");
}

async function send(method, path, { key, intent, json, body, accept = "application/json" }) {
  const extra = { Accept: accept };
  if (json !== undefined) extra["Content-Type"] = "application/json";
  if (intent) extra["Idempotency-Key"] = intent;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: headersFor(key, extra),
      body: json === undefined ? body : JSON.stringify(json),
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  return response;
}

// `json` is sent as JSON; `body` as it is (a string goes as text/plain, FormData as
// multipart). Without a key, the teacher's session cookie is what the API looks at.
export async function call(method, path, { key = null, intent = null, json, body } = {}) {
  const response = await send(method, path, { key, intent, json, body });
  return response.status === 204 ? null : response.json().catch(() => null);
}

// A file that needs the key: a plain link cannot carry Authorization, so it is fetched
// and handed to the browser as a download.
export async function download(path, key, filename) {
  const response = await send("GET", path, { key, accept: "application/pdf" });
  const address = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = address;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked later: the browser reads the blob after the click returns.
  setTimeout(() => URL.revokeObjectURL(address), 60_000);
}

// XMLHttpRequest rather than fetch: it reports upload progress. `onProgress` gets 0..1.
export function upload(path, key, file, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", path);
    for (const [name, value] of Object.entries(headersFor(key))) {
      request.setRequestHeader(name, value);
    }
    request.responseType = "json";
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      if (request.status >= 200 && request.status < 300) resolve(request.response);
      else reject(new ApiError(request.status, request.response));
    });
    request.addEventListener("error", () => reject(new ApiError(0, null)));
    const form = new FormData();
    form.append("file", file);
    request.send(form);
  });
}

export function format(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

// "1 nome", "30 nomes": the message `key`, or `key_one` for exactly one (so it is in both
// languages of the studio).
export function plural(messages, key, count) {
  return format(messages[count === 1 ? `${key}_one` : key], { count });
}

// A field error in the page's language, from its stable code and params: this kind of
// field's own words for the code ("line 3" is a "line"), else the code's, else the API's
// English message.
function fieldMessage({ field, code, message, params }, messages) {
  const kind = field.replace(/ \d+$/, "");
  const template = messages[`field.${kind}.${code}`] ?? messages[`field.${code}`];
  return template ? format(template, params ?? {}) : message;
}

// { text, fields: {name: message} }: a summary, and one message per field named in `errors`.
export function explain(error, messages) {
  if (!(error instanceof ApiError)) throw error;
  if (error.status === 0) return { text: messages.network, fields: {} };
  const problem = error.problem ?? {};
  const slug = String(problem.type ?? "").split("/").pop();
  const fields = {};
  for (const error of problem.errors ?? []) {
    fields[error.field] = fieldMessage(error, messages);
  }
  const text = messages[`problem.${slug}`] ?? problem.detail ?? error.message;
  return { text, fields };
}
