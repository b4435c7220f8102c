// The campaign form one step at a time (product, chat flow, audience, review), with rows to add, order and
// remove for questions and doubts. Without this script the whole form shows at once and still works.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const form = document.getElementById("campaign-form");
  if (!form) return;
  const steps = Array.from(form.querySelectorAll("fieldset[data-step]"));
  const nav = document.querySelector(".steps-nav");
  const links = Array.from(nav.querySelectorAll("[data-step-link]"));
  const buttons = form.querySelector(".step-buttons");
  const back = form.querySelector("[data-step-back]");
  const next = form.querySelector("[data-step-next]");
  let uid = 0;

  // Rows: questions and doubts ----------------------------------------------------------------------------
  function tool(label, text, action) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary small";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.addEventListener("click", action);
    return button;
  }

  function decorate(row, noun) {
    row.querySelectorAll("input").forEach(function (input) {
      if (!input.id) input.id = "row-" + (++uid);
      const label = input.parentElement.querySelector("label") || row.querySelector("label");
      if (label && !label.htmlFor) label.htmlFor = input.id;
    });
    const tools = row.querySelector(".row-tools");
    tools.replaceChildren(
      tool(noun === "question" ? t("Move this question up") : t("Move this doubt up"), "↑", function () {
        if (row.previousElementSibling) row.parentElement.insertBefore(row, row.previousElementSibling);
      }),
      tool(noun === "question" ? t("Move this question down") : t("Move this doubt down"), "↓", function () {
        if (row.nextElementSibling) row.parentElement.insertBefore(row.nextElementSibling, row);
      }),
      tool(noun === "question" ? t("Remove this question") : t("Remove this doubt"), t("Remove"), function () {
        const list = row.parentElement;
        row.remove();
        if (!list.children.length) addRow(list, noun);
      })
    );
  }

  function addRow(list, noun) {
    const template = document.getElementById(noun === "question" ? "question-row" : "objection-row");
    const row = template.content.firstElementChild.cloneNode(true);
    list.appendChild(row);
    decorate(row, noun);
    return row;
  }

  [["questions", "question", t("Add a question")], ["objections", "doubt", t("Add a doubt and its answer")]].forEach(function (spec) {
    const box = form.querySelector('[data-repeat="' + spec[0] + '"]');
    const list = box.querySelector(".repeat-list");
    const rows = Array.from(list.children);
    // Keep one empty row at the end, not two.
    const empty = rows.filter(function (row) {
      return Array.from(row.querySelectorAll("input")).every(function (input) { return !input.value.trim(); });
    });
    empty.slice(1).forEach(function (row) { row.remove(); });
    Array.from(list.children).forEach(function (row) { decorate(row, spec[1]); });
    const add = document.createElement("button");
    add.type = "button";
    add.className = "secondary small";
    add.textContent = spec[2];
    add.addEventListener("click", function () {
      const row = addRow(list, spec[1]);
      row.querySelector("input").focus();
    });
    list.after(add);
  });

  // Billing period: "Other…" reveals the field for the owner's own words, and only then asks for them. -------
  const period = form.elements.namedItem("product.billing_period");
  const customBox = form.querySelector("[data-custom-period]");
  const customPeriod = customBox ? customBox.querySelector("input") : null;
  function showCustomPeriod() {
    const other = period.value === "custom";
    customBox.hidden = !other;
    customPeriod.required = other;
  }
  if (period && customPeriod) {
    period.addEventListener("change", function () {
      showCustomPeriod();
      if (period.value === "custom") customPeriod.focus();
    });
    showCustomPeriod();
  }

  // Steps -------------------------------------------------------------------------------------------------
  let current = 0;
  const firstError = steps.findIndex(function (step) { return step.querySelector(".invalid"); });
  if (firstError >= 0) current = firstError;
  steps.forEach(function (step, index) {
    if (step.querySelector(".invalid")) links[index].classList.add("has-error");
  });

  function text(el) { return el ? el.value.trim() : ""; }

  // The price as the page's language writes money ("75,00 US$"), read the way the price field accepts it:
  // "1.299,50", "1,299.50" and "49,90" alike; what cannot be read is shown as typed.
  function money(typed, currency) {
    const plain = typed.replace(/\s/g, "").replace(/[.,](?=\d{3}(\D|$))/g, "").replace(/,(\d{1,2})$/, ".$1");
    const amount = Number(plain);
    if (!typed || !currency || !isFinite(amount)) return [typed, currency].filter(Boolean).join(" ");
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "en", { style: "currency", currency: currency }).format(amount);
    } catch (err) { return typed + " " + currency; }
  }

  function review() {
    const box = form.querySelector(".review");
    const list = document.createElement("dl");
    function add(term, value) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = value || "—";
      list.append(dt, dd);
    }
    const named = function (name) { return form.elements.namedItem(name); };
    const select = function (name) {
      const el = named(name);
      return el && el.selectedOptions && el.selectedOptions[0] ? el.selectedOptions[0].textContent : "";
    };
    add(t("Campaign"), text(named("name")));
    add(t("Product"), text(named("product.name")));
    const per = period && period.value === "custom" ? text(customPeriod) : select("product.billing_period").toLowerCase();
    add(t("Price"), [money(text(named("product.price")), text(named("product.currency"))), per].filter(Boolean).join(" "));
    add(t("What’s included"), text(named("product.features")));
    add(t("Link"), text(named("product.call_to_action_url")));
    add(t("Where"), select("target_platform"));
    add(t("Greeting"), text(named("chat_flow.greeting")));
    const questions = Array.from(form.querySelectorAll('input[name="chat_flow.qualification_questions"]')).map(text).filter(Boolean);
    add(t("Questions"), questions.map(function (q, i) { return (i + 1) + ". " + q; }).join("\n"));
    const doubts = Array.from(form.querySelectorAll('input[name="chat_flow.objection_handling.objection"]'));
    const answers = Array.from(form.querySelectorAll('input[name="chat_flow.objection_handling.answer"]'));
    add(t("Doubts"), doubts.map(function (d, i) { return text(d) ? text(d) + " → " + text(answers[i]) : ""; }).filter(Boolean).join("\n"));
    add(t("Closing"), text(named("chat_flow.closing_message")));
    add(t("Audience"), [text(named("target_audience.age_range")) ? t("ages {range}", { range: text(named("target_audience.age_range")) }) : "",
      text(named("target_audience.location")).split("\n").filter(Boolean).join(", "),
      text(named("target_audience.interests")).split("\n").filter(Boolean).join(", ")].filter(Boolean).join(" · ") || t("Anyone"));
    box.replaceChildren(list);
  }

  function show(index) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    links.forEach(function (link, i) {
      if (i === index) link.setAttribute("aria-current", "step"); else link.removeAttribute("aria-current");
    });
    back.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    if (index === steps.length - 1) review();
  }

  function stepValid(index) {
    const required = Array.from(steps[index].querySelectorAll("[required]"));
    for (const input of required) {
      if (!input.value.trim()) {
        input.reportValidity();
        input.focus();
        return false;
      }
    }
    return true;
  }

  nav.hidden = false;
  buttons.hidden = false;
  back.addEventListener("click", function () { show(Math.max(0, current - 1)); window.scrollTo(0, 0); });
  next.addEventListener("click", function () {
    if (!stepValid(current)) return;
    show(Math.min(steps.length - 1, current + 1));
    const legend = steps[current].querySelector("legend");
    window.scrollTo(0, 0);
    if (legend) { legend.tabIndex = -1; legend.focus(); }
  });
  show(current);
})();
