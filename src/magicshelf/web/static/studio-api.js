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

// `json` is sent as JSON; `body` as it is (a string goes as text/plain, FormData as
// multipart). Without a key, the teacher's session cookie is what the API looks at.
export async function call(method, path, { key = null, json = undefined, body = undefined } = {}) {
  const extra = json === undefined ? {} : { "Content-Type": "application/json" };
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
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
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
