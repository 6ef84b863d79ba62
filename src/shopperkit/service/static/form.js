// The web form's behaviour: show a question only when its show_if holds, send the visible
// answers as one evaluation record, and show the score card or each problem where it belongs.
"use strict";

(function () {
  const form = document.getElementById("evaluation");
  if (!form) {
    return;
  }
  const data = form.dataset;
  const button = form.querySelector("button[type=submit]");
  const buttonLabel = button.textContent;
  const status = document.getElementById("status");
  const questions = Array.from(form.querySelectorAll(".question"));

  function uuid() {
    if (window.crypto && typeof crypto.randomUUID === "function") {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // Made once per page load, so a double click or a retry is one evaluation, never two.
  const submission = uuid();
  const evaluation = uuid();

  // A random pseudonym kept by this browser: the same shopper across visits, no name.
  function shopper() {
    const key = "shopperkit.shopper";
    try {
      let known = localStorage.getItem(key);
      if (!known) {
        known = "web-" + uuid();
        localStorage.setItem(key, known);
      }
      return known;
    } catch (error) {
      return "web-" + evaluation;
    }
  }

  function cookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) {
        return decodeURIComponent(rest.join("="));
      }
    }
    return "";
  }

  function valueOf(input) {
    return input.dataset.number ? Number(input.value) : input.value;
  }

  // The answer a question has now: undefined when unanswered.
  function answerOf(question) {
    if (question.querySelector("input.na:checked")) {
      return "na";
    }
    const inputs = Array.from(question.querySelectorAll("[name]"));
    if (question.dataset.type === "multi_choice") {
      const chosen = inputs.filter((input) => input.checked).map(valueOf);
      return chosen.length ? chosen : undefined;
    }
    const radios = inputs.filter((input) => input.type === "radio");
    if (radios.length) {
      const chosen = radios.find((input) => input.checked);
      return chosen ? valueOf(chosen) : undefined;
    }
    const field = inputs[0];
    const text = field ? field.value.trim() : "";
    if (text === "") {
      return undefined;
    }
    if (field.type === "number") {
      const number = Number(text);
      return Number.isNaN(number) ? text : number;
    }
    return text;
  }

  // Show each question whose show_if holds (and whose controlling question is shown).
  function applyShowIf() {
    const shown = new Map();
    const byId = new Map(questions.map((q) => [q.dataset.question, q]));
    for (const question of questions) {
      const on = question.dataset.showIf;
      let visible = true;
      if (on) {
        const allowed = JSON.parse(question.dataset.showIn).map(String);
        const controller = byId.get(on);
        const answer = controller && shown.get(on) !== false ? answerOf(controller) : undefined;
        const given = answer === undefined ? [] : [].concat(answer).map(String);
        visible = given.some((value) => allowed.includes(value));
      }
      shown.set(question.dataset.question, visible);
      question.hidden = !visible;
    }
  }

  // "Not applicable" excludes every other answer to its question.
  function applyNotApplicable(event) {
    const input = event.target;
    const question = input.closest(".question");
    if (!question || input.type !== "checkbox") {
      return;
    }
    const others = Array.from(question.querySelectorAll("[name]"));
    if (input.classList.contains("na")) {
      for (const other of others) {
        if (input.checked && other.type === "checkbox") {
          other.checked = false;
        }
        if (other.type !== "checkbox") {
          other.disabled = input.checked;
        }
      }
    } else if (input.checked) {
      const na = question.querySelector("input.na");
      if (na) {
        na.checked = false;
      }
    }
  }

  // Offer only the services of the chosen centre.
  function applyCentre() {
    const centre = form.elements.namedItem("centre");
    const service = form.elements.namedItem("service");
    if (!centre || centre.tagName !== "SELECT" || !service) {
      return;
    }
    const chosen = centre.selectedOptions[0];
    const offered = chosen && chosen.value ? chosen.dataset.services.split(" ") : null;
    for (const option of service.options) {
      const off = Boolean(option.value && offered && !offered.includes(option.value));
      option.hidden = off;
      option.disabled = off;
    }
    if (service.selectedOptions[0] && service.selectedOptions[0].disabled) {
      service.value = "";
    }
  }

  function fieldValue(name) {
    const field = form.elements.namedItem(name);
    return field ? field.value.trim() : "";
  }

  function record() {
    const answers = {};
    for (const question of questions) {
      if (question.hidden) {
        continue;
      }
      const answer = answerOf(question);
      if (answer !== undefined) {
        answers[question.dataset.question] = answer;
      }
    }
    const centre = form.elements.namedItem("centre");
    const picked = centre && centre.tagName === "SELECT" ? centre.selectedOptions[0] : null;
    const visited = fieldValue("visited_at");
    const when = visited ? new Date(visited) : null;
    const shown = {
      id: evaluation,
      form: data.form,
      form_version: data.version,
      programme: data.programme,
      shopper: shopper(),
      entity: picked ? picked.dataset.entity || "" : fieldValue("entity"),
      centre: fieldValue("centre"),
      service: fieldValue("service"),
      channel: "web",
      visited_at: when && !Number.isNaN(when.getTime()) ? when.toISOString() : visited,
      submitted_at: new Date().toISOString(),
      language: data.language,
      answers: answers,
    };
    const comment = fieldValue("comment");
    if (comment) {
      shown.comment = comment;
    }
    return shown;
  }

  function clearProblems() {
    status.hidden = true;
    status.querySelector("ul").replaceChildren();
    for (const place of form.querySelectorAll(".problem")) {
      place.hidden = true;
      place.textContent = "";
    }
    for (const field of form.querySelectorAll("[data-where][aria-invalid]")) {
      field.removeAttribute("aria-invalid");
    }
  }

  // The field a problem's JSON path names ($.answers.q, $.centre), or null for the top.
  function placeOf(where) {
    let best = null;
    for (const field of form.querySelectorAll("[data-where]")) {
      const path = field.dataset.where;
      const inside = where === path || where.startsWith(path + ".") || where.startsWith(path + "[");
      if (inside && !field.hidden && (!best || path.length > best.dataset.where.length)) {
        best = field;
      }
    }
    return best;
  }

  function showProblems(problems) {
    let first = null;
    for (const problem of problems) {
      const field = placeOf(problem.where || "");
      if (field) {
        const place = field.querySelector(".problem");
        place.textContent = place.textContent ? place.textContent + " " + problem.message : problem.message;
        place.hidden = false;
        field.setAttribute("aria-invalid", "true");
        first = first || field;
      } else {
        const item = document.createElement("li");
        item.textContent = problem.message;
        status.querySelector("ul").append(item);
        status.hidden = false;
      }
    }
    const target = status.hidden ? first : status;
    if (target) {
      target.scrollIntoView({ block: "center" });
      const focusable = target.querySelector("input, select, textarea") || target;
      focusable.focus({ preventScroll: true });
    }
  }

  function showResult(body) {
    form.hidden = true;
    const result = document.getElementById("result");
    document.getElementById("card").textContent = body.text || "";
    result.hidden = false;
    result.focus();
  }

  let busy = false;

  async function send(event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    button.disabled = true;
    button.textContent = data.sending;
    clearProblems();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": cookie("csrftoken"),
          "Idempotency-Key": submission,
        },
        body: JSON.stringify(record()),
      });
      const body = await response.json();
      if (response.ok) {
        showResult(body);
      } else if (Array.isArray(body.problems)) {
        showProblems(body.problems);
      } else if (body.error) {
        showProblems([body.error]);
      } else {
        showProblems([{ where: "", message: data.unreachable }]);
      }
    } catch (error) {
      showProblems([{ where: "", message: data.unreachable }]);
    } finally {
      busy = false;
      button.disabled = false;
      button.textContent = buttonLabel;
    }
  }

  form.addEventListener("change", (event) => {
    applyNotApplicable(event);
    if (event.target.name === "centre") {
      applyCentre();
    }
    applyShowIf();
  });
  form.addEventListener("input", applyShowIf);
  form.addEventListener("submit", send);
  applyShowIf();
  applyCentre();
})();
