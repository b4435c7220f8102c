// Posts each message to the playground API and shows the reply with what the bot made of the turn.
(function () {
  "use strict";
  const form = document.getElementById("playground");
  const chat = document.getElementById("chat");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  let sessionId = "";

  function add(sender, text, meta) {
    const item = document.createElement("li");
    item.className = "msg " + sender;
    if (meta) {
      const info = document.createElement("span");
      info.className = "meta";
      info.textContent = meta;
      item.appendChild(info);
    }
    const body = document.createElement("p");
    body.textContent = text;
    item.appendChild(body);
    chat.appendChild(item);
  }

  function restart() {
    sessionId = "";
    chat.replaceChildren();
  }

  form.platform.addEventListener("change", restart);
  document.getElementById("restart").addEventListener("click", restart);

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const message = form.message.value.trim();
    if (!message) return;
    add("customer", message, "");
    form.message.value = "";
    const payload = { platform: form.platform.value, message: message };
    if (sessionId) payload.session_id = sessionId;
    try {
      const response = await fetch("/api/playground/chat", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(payload),
      });
      const data = await response.json();
      if (!response.ok) {
        add("error", (data.error && data.error.message) || "request failed", "");
        return;
      }
      sessionId = data.session_id;
      const lead = data.lead;
      const meta = data.intent + " (" + Math.round(data.confidence * 100) + "%) · " + data.source +
        (data.guard_blocked ? " · guard replaced the reply" : "") +
        " · lead " + lead.score + " " + lead.stage + (lead.reasons.length ? ": " + lead.reasons.join(", ") : "");
      add("bot", data.reply, meta);
    } catch (err) {
      add("error", "network error", "");
    }
  });
})();
