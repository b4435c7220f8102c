// The time-zone picker: a search over countries and cities narrows the list (grouped by country), and the chosen
// zone's time now is shown so the owner can tell it is theirs. Without JavaScript the grouped list alone works.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const picker = document.querySelector("[data-zone-picker]");
  if (!picker) return;
  const select = picker.querySelector("select");
  const search = picker.querySelector("[data-zone-search]");
  const input = search.querySelector("input");
  const found = picker.querySelector("[data-zone-found]");
  const now = picker.querySelector("[data-zone-now]");
  search.hidden = false;

  // As the server folds the names: lower case, no accents ("sao paulo" finds São Paulo).
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function filter() {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    let first = null;
    Array.from(select.options).forEach(function (option) {
      const text = option.dataset.search || fold(option.textContent);
      const match = words.every(function (word) { return text.indexOf(word) !== -1; });
      option.hidden = !match;
      if (match) {
        shown += 1;
        if (!first) first = option;
      }
    });
    Array.from(select.querySelectorAll("optgroup")).forEach(function (group) {
      group.hidden = !Array.from(group.children).some(function (option) { return !option.hidden; });
    });
    // The chosen zone stays chosen while it matches; otherwise the first match is, so Save keeps what is shown.
    const current = select.options[select.selectedIndex];
    if (first && (!current || current.hidden)) {
      select.value = first.value;
      showTime();
    }
    if (!words.length) found.textContent = "";
    else if (!shown) found.textContent = t("No city or country matches; try another spelling.");
    else found.textContent = shown === 1 ? t("1 place matches.") : t("{count} places match.", { count: shown });
  }

  function showTime() {
    try {
      const time = new Intl.DateTimeFormat("en-GB", { timeZone: select.value, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      now.textContent = t("It is {time} there now.", { time: time.format(new Date()) });
      now.hidden = false;
    } catch (err) {
      now.hidden = true; // a name this browser does not know
    }
  }

  input.addEventListener("input", filter);
  select.addEventListener("change", showTime);
  showTime();
})();
