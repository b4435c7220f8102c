// Leo, the owner's assistant: a chat kept for this browser tab, beside the page on a wide screen and a full-screen
// sheet behind a floating button on a phone. Without this script the form posts to /leo and the answer has a page.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const leo = document.getElementById("leo");
  if (!leo) return;
  const root = document.documentElement;
  const panel = leo.querySelector(".leo-panel");
  const opener = leo.querySelector(".leo-toggle");
  const closer = leo.querySelector(".leo-close");
  const thread = leo.querySelector(".leo-thread");
  const form = leo.querySelector(".leo-form");
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";
  const wide = window.matchMedia("(min-width: 64rem)");
  const store = window.sessionStorage;
  const KEY = "leo.thread";
  let state = { thread_id: "", items: [] };
  try {
    state = JSON.parse(store.getItem(KEY) || "") || state;
  } catch (err) { /* a fresh thread */ }

  function save() {
    try { store.setItem(KEY, JSON.stringify(state)); } catch (err) { /* private mode: the thread lives on this page only */ }
  }

  // A number reads right-aligned; a sentence (a next step, a customer's words) may wrap between its words. Money
  // is written the owner's language's way, its currency before or after ("$196.00", "196,00 US$", "US$ 196,00").
  const NUMBER = /^[-+]?(?:[A-Z]{1,3}[$€£¥]?\s?)?[\d\s.,:%$€£¥]+(?:[a-zA-Z]{0,3}[$€£¥]?)$/;
  function cellClass(text) {
    if (NUMBER.test(text) && /\d/.test(text)) return "num";
    return text.length > 28 && text.indexOf(" ") > 0 ? "long" : "";
  }

  function figureTable(figure) {
    const table = document.createElement("table");
    if (figure.title) {
      // The title is shown above the scrolling box (a caption would scroll away with the table); the caption
      // stays for screen readers.
      const caption = document.createElement("caption");
      caption.className = "visually-hidden";
      caption.textContent = figure.title;
      table.appendChild(caption);
    }
    const head = document.createElement("tr");
    (figure.columns || []).forEach(function (name) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      head.appendChild(th);
    });
    const thead = document.createElement("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    const body = document.createElement("tbody");
    const rows = figure.rows || [];
    (figure.columns || []).forEach(function (name, n) {
      // A column of numbers is aligned right, its heading too.
      const cells = rows.map(function (row) { return row[n] === null || row[n] === undefined ? "" : String(row[n]); });
      if (n > 0 && cells.some(Boolean) && cells.every(function (text) { return !text || cellClass(text) === "num"; })) {
        head.children[n].className = "num";
      }
    });
    rows.forEach(function (row) {
      const tr = document.createElement("tr");
      row.forEach(function (cell, n) {
        const td = document.createElement(n === 0 ? "th" : "td");
        const text = cell === null || cell === undefined ? "" : String(cell);
        if (n === 0) td.scope = "row";
        td.textContent = text;
        const kind = n === 0 ? "" : cellClass(text);
        if (kind) td.className = kind;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    return table;
  }

  function show(item) {
    const li = document.createElement("li");
    li.className = item.who;
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = item.who === "you" ? t("You: ") : item.who === "error" ? t("Problem: ") : t("Leo: ");
    li.appendChild(who);
    li.appendChild(document.createTextNode(item.text));
    (item.figures || []).forEach(function (figure) {
      // A wide table scrolls inside its own box, which the keyboard can reach too.
      if (figure.title) {
        const title = document.createElement("p");
        title.className = "figure-title";
        title.setAttribute("aria-hidden", "true");
        title.textContent = figure.title;
        li.appendChild(title);
      }
      const box = document.createElement("div");
      box.className = "figure-scroll";
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", figure.title || t("Figures"));
      box.appendChild(figureTable(figure));
      li.appendChild(box);
    });
    thread.appendChild(li);
    thread.scrollTop = thread.scrollHeight;
    return li;
  }

  // A new answer is read from its start: the question that asked it goes to the top of the thread.
  function readFrom(li) {
    thread.scrollTop += li.getBoundingClientRect().top - thread.getBoundingClientRect().top - 4;
  }

  // On a phone the open panel is a modal sheet: the page behind it does not scroll, Escape closes it, and the
  // focus goes back to the button that opened it.
  function setOpen(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", open ? "true" : "false");
    const sheet = open && !wide.matches;
    root.classList.toggle("leo-open", sheet);
    // Behind the sheet the page can be neither clicked nor reached with Tab.
    Array.from(document.body.children).concat(Array.from(leo.parentElement.children)).forEach(function (element) {
      if (!element.contains(leo)) element.inert = sheet;
    });
    if (sheet) {
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-modal", "true");
      panel.setAttribute("aria-labelledby", "leo-title");
    } else {
      panel.removeAttribute("role");
      panel.removeAttribute("aria-modal");
      panel.removeAttribute("aria-labelledby");
    }
  }

  function openSheet() {
    setOpen(true);
    thread.scrollTop = thread.scrollHeight;
    form.message.focus();
  }

  function closeSheet() {
    setOpen(false);
    opener.focus();
  }

  // Beside the page the sidebar's height is what the viewport shows below the header, so its question box stays
  // on screen from the top of the page down.
  let fitting = false;
  function fitSidebar() {
    if (fitting) return;
    fitting = true;
    window.requestAnimationFrame(function () {
      fitting = false;
      const top = Math.max(0, leo.parentElement.getBoundingClientRect().top);
      root.style.setProperty("--leo-top", wide.matches ? top + "px" : "0px");
    });
  }

  state.items.forEach(show);
  setOpen(wide.matches);
  fitSidebar();
  window.addEventListener("scroll", fitSidebar, { passive: true });
  window.addEventListener("resize", fitSidebar);
  wide.addEventListener("change", function () { setOpen(wide.matches); fitSidebar(); });
  opener.addEventListener("click", function () {
    if (panel.hidden) openSheet(); else closeSheet();
  });
  if (closer) closer.addEventListener("click", closeSheet);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !wide.matches && !panel.hidden) closeSheet();
  });
  leo.querySelector(".leo-new").addEventListener("click", function () {
    state = { thread_id: "", items: [] };
    save();
    thread.replaceChildren();
    form.message.focus();
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const message = form.message.value.trim();
    if (!message) return;
    const button = form.querySelector('button[type="submit"]');
    const asked = { who: "you", text: message };
    state.items.push(asked);
    const askedItem = show(asked);
    save();
    form.message.value = "";
    button.disabled = true;
    const payload = { message: message };
    if (state.thread_id) payload.thread_id = state.thread_id;
    let answer;
    try {
      const response = await fetch("/api/leo/chat", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(payload),
      });
      const data = await response.json().catch(function () { return {}; });
      if (response.ok) {
        if (data.thread_id) state.thread_id = data.thread_id;
        answer = { who: "leo", text: data.reply || "", figures: Array.isArray(data.figures) ? data.figures : [] };
      } else {
        answer = { who: "error", text: (data.error && data.error.message) || t("Leo could not answer just now; try again.") };
      }
    } catch (err) {
      answer = { who: "error", text: t("No connection. Check your internet and try again.") };
    }
    state.items.push(answer);
    show(answer);
    readFrom(askedItem);
    save();
    button.disabled = false;
    // Beside the page the owner types on; on a phone the keyboard would cover the answer just given.
    if (wide.matches) form.message.focus();
  });
  // Enter asks, Shift+Enter starts a new line: the way chat boxes work.
  form.message.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
