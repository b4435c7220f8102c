// Posts each message to the playground API and shows the reply as the customer would see it; what the bot
// made of the turn (intent, confidence, lead score) sits in a collapsible panel under the reply.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const form = document.getElementById("playground");
  const chat = document.getElementById("chat");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const words = JSON.parse(document.getElementById("playground-words").textContent || "{}");
  const send = form.querySelector('button[type="submit"]');
  let sessionId = "";

  // What the bot made of the message, in words ("price question"), never the pipeline's code.
  function intentWords(code) {
    return (words.intents || {})[code] || String(code || "").replace(/_/g, " ");
  }

  function stageWords(code) {
    return (words.stages || {})[code] || code;
  }

  // "The bot is writing…" while the answer is on its way, as a customer's app shows it.
  function typing() {
    const item = document.createElement("li");
    item.className = "msg typing"; // not "bot": a reply is only what the bot said
    item.dataset.typing = "";
    const dots = document.createElement("span");
    dots.className = "dots";
    dots.setAttribute("aria-hidden", "true");
    dots.append(document.createElement("span"), document.createElement("span"), document.createElement("span"));
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = t("Your bot is writing…");
    item.append(dots, label);
    chat.appendChild(item);
    return item;
  }

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
    summary.textContent = t("Details for you");
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
    const writing = typing();
    send.disabled = true;
    try {
      const response = await fetch("/api/playground/chat", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(payload),
      });
      const data = await response.json();
      writing.remove();
      if (!response.ok) {
        const error = data.error || {};
        const field = error.fields ? Object.values(error.fields)[0] : "";
        add("error", field || error.message || t("That did not work; try again."));
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
        t("Understood as: {intent} ({sure}% sure)", { intent: intentWords(data.intent), sure: Math.round(data.confidence * 100) }),
        data.source === "llm" ? t("Answered by: the model") : t("Answered by: the offline responder"),
        t("Lead: score {score}, {stage}", { score: lead.score, stage: stageWords(lead.stage) }) + (lead.reasons.length ? ". " + lead.reasons.join(", ") : ""),
      ];
      if (data.guard_blocked) lines.push(t("A draft was repaired: {what}", { what: data.guard_violations.join("; ") }));
      if (data.handoff) lines.push(t("Handed over to your team: the bot stays silent from here."));
      if (data.opted_out) lines.push(t("The customer opted out."));
      details(item, lines);
    } catch (err) {
      writing.remove();
      add("error", t("Your bot could not be reached. Check your connection and send again."));
    } finally {
      send.disabled = false;
    }
  });
})();
