// Shared behaviour of the owner pages: the phone menu and confirmations (Leo has its own script, leo.js).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // The scripts' sentences in the page's language, written into every page by the server from its catalogs
  // (dashboard/i18n/script_words.py); a sentence not there is said as written.
  const wordsElement = document.getElementById("script-words");
  const words = wordsElement ? JSON.parse(wordsElement.textContent) : {};
  window.pageWords = function (text, values) {
    let said = words[text] || text;
    Object.keys(values || {}).forEach(function (name) { said = said.split("{" + name + "}").join(String(values[name])); });
    return said;
  };

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
})();
