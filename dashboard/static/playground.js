// Posts each message to the playground API and shows the reply as the customer would see it; what the bot
// made of the turn (intent, confidence, lead score) sits in a collapsible panel under the reply.
(function () {
  "use strict";
  const form = document.getElementById("playground");
  const chat = document.getElementById("chat");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  let sessionId = "";

  function add(sender, text) {
    const item = document.createElement("li");
    item.className = "msg " + sender;
    const body = document.createElement("p");
    body.textContent = text;
    item.appendChild(body);
    chat.appendChild(item);
    return item;
  }

  function details(item, lines) {
    const panel = document.createElement("details");
    panel.className = "owner-details";
    const summary = document.createElement("summary");
    summary.textContent = "Details for you";
    panel.appendChild(summary);
    const list = document.createElement("ul");
    lines.forEach(function (line) {
      const entry = document.createElement("li");
      entry.textContent = line;
      list.appendChild(entry);
    });
    panel.appendChild(list);
    item.appendChild(panel);
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
    add("customer", message);
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
        add("error", (data.error && data.error.message) || "request failed");
        return;
      }
      sessionId = data.session_id;
      if (data.silent) {
        add("note", data.note);
        return;
      }
      const item = add("bot", data.reply);
      const lead = data.lead;
      const lines = [
        "Intent: " + data.intent + " (" + Math.round(data.confidence * 100) + "%)",
        "Answered by: " + (data.source === "llm" ? "the model" : "the offline responder"),
        "Lead: " + lead.score + " (" + lead.stage + ")" + (lead.reasons.length ? ": " + lead.reasons.join(", ") : ""),
      ];
      if (data.guard_blocked) lines.push("A draft was repaired: " + data.guard_violations.join("; "));
      if (data.handoff) lines.push("Handed over to your team: the bot stays silent from here.");
      if (data.opted_out) lines.push("The customer opted out.");
      details(item, lines);
    } catch (err) {
      add("error", "network error");
    }
  });
})();
