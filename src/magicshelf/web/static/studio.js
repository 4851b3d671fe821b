// The teacher's studio, one page of views. Signed out: sign in or up, or make a single
// book with its edit key, as before accounts existed. Signed in, by the address's hash:
// her classes (#), one class (#turma=ID), a child's book at a page
// (#turma=ID&livro=CODE&pagina=N), so the back button and bookmarks work.

import { explain } from "./studio-api.js";
import { Account } from "./studio-account.js";
import { BookStudio } from "./studio-book.js";
import { ClassView } from "./studio-class.js";
import { ClassList } from "./studio-classes.js";
import { InviteForm } from "./studio-invite.js";
import { announce } from "./studio-ui.js";

const root = document.querySelector("[data-studio]");
const messages = JSON.parse(root.dataset.messages);
// Where the focus goes when a view opens, so a screen reader says where the teacher is.
const HEADINGS = {
  start: "#signin-heading",
  signup: "#signup-heading",
  reset: "#reset-heading",
  classes: "#classes-heading",
  class: "#class-heading",
};
let pending = ""; // what the next view says once it shows

// Open the view at `hash`; `message` is announced there.
function navigate(hash, message = "") {
  pending = message;
  if (location.hash === hash.replace(/^#$/, "")) route();
  else location.hash = hash;
}

const book = new BookStudio(root, messages);
const classList = new ClassList(root, messages, { navigate });
const classView = new ClassView(root, messages, { navigate });
const invite = new InviteForm(root, messages);
const account = new Account(root, messages, {
  onChange: (message = "") => {
    book.forget();
    if (account.teacher === null) history.replaceState(null, "", location.pathname);
    pending = message;
    route();
  },
});

async function show(where) {
  const teacher = account.teacher;
  if (teacher === null) {
    account.showSignedOut(location.hash);
    return where.has("turma") ? messages.sign_in_first : "";
  }
  if (where.has("livro")) {
    const number = Number(where.get("pagina"));
    await book.openInClass(where.get("livro"), where.get("turma"), number);
  } else if (where.has("turma")) {
    await classView.show(where.get("turma"), teacher);
  } else {
    await classList.show();
    invite.show(teacher);
  }
  return "";
}

async function route({ focus = true } = {}) {
  const where = new URLSearchParams(location.hash.slice(1));
  let message = pending;
  pending = "";
  try {
    const said = await show(where);
    message ||= said;
  } catch (error) {
    if (error.problem?.type === "/problems/sign-in-required") account.signedOut();
    // What could not open is said at home (the classes, or signing in).
    if (location.hash) {
      pending = explain(error, messages).text;
      history.replaceState(null, "", location.pathname);
      return route({ focus });
    }
    message = explain(error, messages).text;
  }
  announce(root, message);
  if (focus) root.querySelector(HEADINGS[root.dataset.view])?.focus();
}

window.addEventListener("hashchange", () => {
  // Leaving a child's book for another view: its texts go now, not after the pause.
  book.saveAll();
  route();
});
window.addEventListener("beforeunload", (event) => {
  if (book.dirty) event.preventDefault();
});

async function start() {
  try {
    await account.load();
  } catch (error) {
    announce(root, explain(error, messages).text);
  }
  await route({ focus: false });
  // A reload while a single book was open (with its key) opens it again.
  if (account.teacher === null && root.dataset.view === "start") await book.reopen();
}

start();
