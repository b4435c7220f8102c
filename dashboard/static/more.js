// Long lists grow on demand: "Show older" / "Show more" adds the next page's rows below the list (read from the
// same page the link opens without JavaScript), so a phone never loads hundreds of rows at once.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const KEYS = ["conversation", "key"];

  function keyOf(row) {
    for (const name of KEYS) if (row.dataset && row.dataset[name]) return name + ":" + row.dataset[name];
    return "";
  }

  document.addEventListener("click", async function (event) {
    const link = event.target.closest ? event.target.closest("a[data-load-more]") : null;
    if (!link || link.getAttribute("aria-disabled") === "true") return;
    const target = document.querySelector(link.dataset.loadMore);
    if (!target) return;
    event.preventDefault();
    const label = link.textContent;
    link.setAttribute("aria-disabled", "true");
    link.textContent = t("Loading…");
    let doc;
    try {
      const response = await fetch(link.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      doc = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (err) {
      window.location.assign(link.href); // the plain page still works
      return;
    }
    const incoming = doc.querySelector(link.dataset.loadMore);
    const present = new Set(Array.from(target.children).map(keyOf));
    let first = null;
    Array.from(incoming ? incoming.children : []).forEach(function (row) {
      const key = keyOf(row);
      if (key && present.has(key)) return; // moved up by a live update since this list was drawn
      const added = document.importNode(row, true);
      target.appendChild(added);
      if (!first) first = added;
    });
    const next = doc.querySelector("a[data-load-more]");
    if (next) {
      link.href = next.getAttribute("href");
      link.textContent = label;
      link.removeAttribute("aria-disabled");
    } else {
      link.remove();
    }
    // Keyboard and screen-reader users continue where the new rows start.
    const focusable = first && first.querySelector("a, button");
    if (focusable) focusable.focus();
  });
})();
