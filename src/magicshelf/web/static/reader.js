// Turning pages without reloading. The server already rendered every page (the cover, six
// pages, the end page) and the links (?page=N) work without this script; here we only show
// and hide what is there, and listen (reader-voice.js).

import { Listening } from "./reader-voice.js";

const book = document.querySelector("[data-reader]");
const sheets = [...document.querySelectorAll("[data-page]")];
const where = document.querySelector("[data-where]");
const turns = {
  prev: document.querySelector('[data-turn="prev"]'),
  next: document.querySelector('[data-turn="next"]'),
};
const last = sheets.length - 1;
let current = Number(book.dataset.current);

function aim(link, target) {
  if (target >= 0 && target <= last) {
    link.href = `?page=${target}`;
    link.removeAttribute("role");
    link.removeAttribute("aria-disabled");
  } else {
    link.removeAttribute("href");
    link.setAttribute("role", "link");
    link.setAttribute("aria-disabled", "true");
  }
}

// The next drawing starts loading now, so it is there when the page turns.
function warmUp(number) {
  const image = sheets[number]?.querySelector("img[loading=lazy]");
  if (image) image.loading = "eager";
}

function show(number) {
  if (number < 0 || number > last || number === current) return;
  current = number;
  for (const sheet of sheets) sheet.hidden = Number(sheet.dataset.page) !== number;
  where.textContent = sheets[number].dataset.label;
  aim(turns.prev, number - 1);
  aim(turns.next, number + 1);
  warmUp(number + 1);
  const url = new URL(window.location.href);
  if (number === 0) url.searchParams.delete("page");
  else url.searchParams.set("page", String(number));
  window.history.replaceState(null, "", url);
  listening.turned();
}

const listening = new Listening(sheets, { turnTo: show, end: last });

// "Ler de novo" and the top bar's downloads jump to a page; focus follows, so a keyboard
// is not left on a link that has just been hidden.
for (const link of document.querySelectorAll("[data-goto]")) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    show(Number(link.dataset.goto));
    const target = link.dataset.focus ? document.querySelector(link.dataset.focus) : null;
    (target ?? turns.next).focus();
  });
}

for (const [direction, link] of Object.entries(turns)) {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    show(current + (direction === "next" ? 1 : -1));
  });
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (event.key === "ArrowRight") show(current + 1);
  else if (event.key === "ArrowLeft") show(current - 1);
  else return;
  event.preventDefault();
});

// A horizontal swipe turns the page; vertical movement stays a scroll (touch-action: pan-y).
const SWIPE_PIXELS = 50;
let start = null;
book.addEventListener("pointerdown", (event) => {
  start = event.pointerType === "mouse" ? null : { x: event.clientX, y: event.clientY };
});
book.addEventListener("pointercancel", () => {
  start = null;
});
book.addEventListener("pointerup", (event) => {
  if (start === null) return;
  const dx = event.clientX - start.x;
  const dy = event.clientY - start.y;
  start = null;
  if (Math.abs(dx) >= SWIPE_PIXELS && Math.abs(dx) > 2 * Math.abs(dy)) {
    show(current + (dx < 0 ? 1 : -1));
  }
});

// The tip speaks of arrow keys and swipes, which work only now that this script runs.
document.querySelector("[data-tip]").hidden = false;
warmUp(current + 1);
