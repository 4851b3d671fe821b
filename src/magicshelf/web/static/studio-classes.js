// The signed-in teacher's home: her classes, and a form to create one.

import { call } from "./studio-api.js";
import { clearErrors, fromTemplate, hashFor, showProblem, showView } from "./studio-ui.js";

// "EMEF Monteiro Lobato · 2026": what a class is besides its name, when known.
export function classAbout(schoolClass) {
  return [schoolClass.school, schoolClass.year].filter((part) => part !== null).join(" · ");
}

export class ClassList {
  constructor(root, messages, { navigate }) {
    this.root = root;
    this.messages = messages;
    this.list = root.querySelector("[data-class-list]");
    this.form = root.querySelector("[data-class-form]");
    this.form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(this.form);
      try {
        const made = await call("POST", "/api/classes", { json: this.#values() });
        this.form.reset();
        navigate(hashFor({ turma: made.id }));
      } catch (error) {
        showProblem(this.form, error, messages);
      }
    });
  }

  #values() {
    const { name, school, year } = this.form.elements;
    return {
      name: name.value,
      school: school.value.trim() || null,
      year: year.value ? Number(year.value) : null,
    };
  }

  async show() {
    const { classes } = await call("GET", "/api/classes");
    this.list.replaceChildren(
      ...classes.map((schoolClass) => {
        const item = fromTemplate(this.root, "class-item");
        item.querySelector("a").href = hashFor({ turma: schoolClass.id });
        item.querySelector("[data-name]").textContent = schoolClass.name;
        item.querySelector("[data-about]").textContent = classAbout(schoolClass);
        return item;
      }),
    );
    this.root.querySelector("[data-no-classes]").hidden = classes.length > 0;
    // Most classes are this year's: offered, not imposed.
    this.form.elements.year.value ||= new Date().getFullYear();
    showView(this.root, "classes");
  }
}
