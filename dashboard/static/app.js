// Shared behaviour of the owner pages: the phone menu, confirmations, and Leo's sidebar.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfMeta ? csrfMeta.content : "";

  // Menu: collapsed behind a button on narrow screens.
  const toggle = document.querySelector(".menu-toggle");
  const menu = document.getElementById("menu");
  if (toggle && menu) {
    toggle.addEventListener("click", function () {
      const open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Forms and buttons that undo something ask first.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    const question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // Leo: a chat kept for this browser tab, so it stays on screen from page to page.
  const leo = document.getElementById("leo");
  if (!leo) return;
  const panel = leo.querySelector(".leo-panel");
  const opener = leo.querySelector(".leo-toggle");
  const thread = leo.querySelector(".leo-thread");
  const form = leo.querySelector(".leo-form");
  const store = window.sessionStorage;
  const KEY = "leo.thread";
  let state = { thread_id: "", items: [] };
  try {
    state = JSON.parse(store.getItem(KEY) || "") || state;
  } catch (err) { /* a fresh thread */ }

  function save() {
    try { store.setItem(KEY, JSON.stringify(state)); } catch (err) { /* private mode: the thread lives on this page only */ }
  }

  function figureTable(figure) {
    const table = document.createElement("table");
    if (figure.title) {
      const caption = document.createElement("caption");
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
    (figure.rows || []).forEach(function (row) {
      const tr = document.createElement("tr");
      row.forEach(function (cell) {
        const td = document.createElement("td");
        td.textContent = cell === null || cell === undefined ? "" : String(cell);
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
    who.textContent = item.who === "you" ? "You: " : item.who === "error" ? "Problem: " : "Leo: ";
    li.appendChild(who);
    li.appendChild(document.createTextNode(item.text));
    (item.figures || []).forEach(function (figure) {
      // A wide table scrolls inside its own box, which the keyboard can reach too.
      const box = document.createElement("div");
      box.className = "figure-scroll";
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", figure.title || "Figures");
      box.appendChild(figureTable(figure));
      li.appendChild(box);
    });
    thread.appendChild(li);
    thread.scrollTop = thread.scrollHeight;
  }

  function setOpen(open) {
    panel.hidden = !open;
    opener.setAttribute("aria-expanded", open ? "true" : "false");
  }

  state.items.forEach(show);
  // Beside the page on a wide screen; behind its button on a phone.
  setOpen(window.matchMedia("(min-width: 64rem)").matches);
  opener.addEventListener("click", function () {
    setOpen(panel.hidden);
    if (!panel.hidden) form.message.focus();
  });
  leo.querySelector(".leo-new").addEventListener("click", function () {
    state = { thread_id: "", items: [] };
    save();
    thread.replaceChildren();
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const message = form.message.value.trim();
    if (!message) return;
    const button = form.querySelector('button[type="submit"]');
    const asked = { who: "you", text: message };
    state.items.push(asked);
    show(asked);
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
        answer = { who: "error", text: (data.error && data.error.message) || "Leo could not answer just now; try again." };
      }
    } catch (err) {
      answer = { who: "error", text: "No connection. Check your internet and try again." };
    }
    state.items.push(answer);
    show(answer);
    save();
    button.disabled = false;
  });
})();
