// New messages without a reload: the server says which conversations changed (server-sent events);
// the inbox moves them to the top, and an open thread reads its new messages from the API.
(function () {
  "use strict";
  if (!window.EventSource) return;
  const lists = Array.from(document.querySelectorAll("[data-live-list]"));
  const thread = document.querySelector("[data-thread]");
  if (!lists.length && !thread) return;
  const status = document.querySelector("[data-live-status]");
  const STATUS = { bot: "Bot answering", handoff: "Needs a person", human: "You have it", closed: "Closed", opted_out: "Opted out" };
  const PLATFORM = { facebook: "Messenger", instagram: "Instagram", whatsapp: "WhatsApp" };
  const SENDER = { customer: "Customer", bot: "Bot", human: "You" };

  function timeText(iso) {
    const at = new Date(iso);
    return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function matches(scope, event) {
    if (!scope) return true;
    if (scope.dataset.page && scope.dataset.page !== "1") return false;
    if (scope.dataset.filterStage) return false; // a lead's stage is not in the event: wait for a reload
    if (scope.dataset.filterDelivery) return false; // nor whether the reply went out
    if (scope.dataset.filterStatus && scope.dataset.filterStatus !== event.status) return false;
    if (scope.dataset.filterPlatform && scope.dataset.filterPlatform !== event.platform) return false;
    if (scope.dataset.filterCampaign && scope.dataset.filterCampaign !== event.campaign_id) return false;
    return true;
  }

  function newRow(event) {
    const li = document.createElement("li");
    li.dataset.conversation = event.id;
    const top = document.createElement("div");
    top.className = "spread";
    const link = document.createElement("a");
    link.className = "title";
    link.href = "/conversations/" + encodeURIComponent(event.id);
    link.textContent = event.customer_name || "Customer " + String(event.customer_id).slice(-4);
    const badge = document.createElement("span");
    badge.dataset.field = "status";
    top.append(link, badge);
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.append(document.createTextNode((PLATFORM[event.platform] || event.platform) + " · "));
    const time = document.createElement("time");
    time.dataset.field = "time";
    meta.appendChild(time);
    li.append(top, meta);
    return li;
  }

  // Whether the customer got the latest reply: a row whose reply did not go out says so, and why.
  const DELIVERY = { failed: "Not answered", pending: "Sending again" };
  function showDelivery(row, event) {
    let box = row.querySelector('[data-field="delivery"]');
    row.classList.toggle("not-answered", event.delivery === "failed");
    if (!event.delivery || event.delivery === "ok") {
      if (box) box.remove();
      return;
    }
    if (box && box.dataset.state === event.delivery) {
      const reason = box.querySelector(".reason");
      if (reason) reason.textContent = event.delivery_error || "";
      return; // the same state: keep what the page drew (its Retry button)
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "undelivered";
      box.dataset.field = "delivery";
      row.appendChild(box);
    }
    box.dataset.state = event.delivery;
    box.replaceChildren();
    const badge = document.createElement("span");
    badge.className = "badge " + event.delivery;
    badge.textContent = DELIVERY[event.delivery] || event.delivery;
    const reason = document.createElement("span");
    reason.className = "reason";
    reason.textContent = event.delivery_error || "";
    box.append(badge, reason);
  }

  function updateRow(list, event) {
    let row = list.querySelector('[data-conversation="' + CSS.escape(event.id) + '"]');
    if (!row) {
      if (!matches(list.closest("[data-live-scope]"), event)) return;
      row = newRow(event);
      const empty = document.querySelector(".empty");
      if (empty && !list.children.length) empty.hidden = true;
    }
    const badge = row.querySelector('[data-field="status"]');
    if (badge) {
      badge.className = "badge " + event.status;
      badge.textContent = STATUS[event.status] || event.status;
    }
    const time = row.querySelector('[data-field="time"]');
    if (time) {
      time.dateTime = event.last_message_at;
      time.textContent = timeText(event.last_message_at);
    }
    row.classList.toggle("needs-person", event.status === "handoff" || event.status === "human");
    showDelivery(row, event);
    row.classList.remove("fresh");
    void row.offsetWidth; // restart the highlight
    row.classList.add("fresh");
    list.prepend(row);
    if (status) status.textContent = "New message from " + (event.customer_name || "a customer");
  }

  function messageItem(message) {
    const li = document.createElement("li");
    li.className = "msg " + message.sender;
    li.dataset.message = message.id;
    const meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = (SENDER[message.sender] || message.sender) + " · " + timeText(message.at) +
      (message.direction === "out" && message.delivery ? " · " + message.delivery : "") +
      (message.by ? " · by " + message.by.email : "");
    const text = document.createElement("p");
    text.textContent = message.text;
    li.append(meta, text);
    return li;
  }

  let reading = false;
  let again = false;
  async function refreshThread() {
    if (reading) { again = true; return; }
    reading = true;
    try {
      const response = await fetch("/api/conversations/" + encodeURIComponent(thread.dataset.conversation), { credentials: "same-origin" });
      if (!response.ok) return;
      const data = await response.json();
      const empty = thread.querySelector("[data-empty]");
      data.messages.forEach(function (message) {
        if (thread.querySelector('[data-message="' + CSS.escape(message.id) + '"]')) return;
        if (empty) empty.remove();
        thread.appendChild(messageItem(message));
      });
      const badge = document.querySelector("[data-conversation-status]");
      if (badge) {
        badge.className = "badge " + data.status;
        badge.textContent = STATUS[data.status] || data.status;
      }
    } finally {
      reading = false;
      if (again) { again = false; refreshThread(); }
    }
  }

  const source = new EventSource("/live/events");
  source.addEventListener("conversation", function (message) {
    let event;
    try { event = JSON.parse(message.data); } catch (err) { return; }
    lists.forEach(function (list) { updateRow(list, event); });
    if (thread && thread.dataset.conversation === event.id) refreshThread();
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
