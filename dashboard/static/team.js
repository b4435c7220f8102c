// The team page: "Copy link" puts the invitation link on the clipboard and says so.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const status = document.querySelector("[data-copy-status]");

  function say(text) {
    if (status) status.textContent = text;
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    const done = function () { button.textContent = t("Copied"); say(t("Link copied. Paste it into an email or a message to them.")); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        say(t("Copying was not allowed: the link is selected, copy it with Ctrl+C or a long press."));
      });
    } else {
      // Without the clipboard API (a page served over plain http), the selection and the browser's command do it.
      const copied = document.execCommand && document.execCommand("copy");
      if (copied) done(); else say(t("The link is selected: copy it with Ctrl+C or a long press."));
    }
  });
})();
