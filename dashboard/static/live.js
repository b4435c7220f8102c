// Changes without a reload: the server says which conversations changed (server-sent events). The inbox moves a
// conversation with a new message to the top and redraws one whose status changed in place (a take-over in another
// tab); an open thread reads its new messages, status and buttons from its own page, so what shows live is what a
// reload shows (times in the business's time zone, written by the server).
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  if (!window.EventSource) return;
  const lists = Array.from(document.querySelectorAll("[data-live-list]"));
  const thread = document.querySelector("[data-thread]");
  if (!lists.length && !thread) return;
  const status = document.querySelector("[data-live-status]");
  const STATUS = { bot: t("Bot answering"), handoff: t("Needs a person"), human: t("You have it"), closed: t("Closed"), opted_out: t("Opted out") };
  const viewer = document.querySelector('meta[name="viewer-id"]');
  // Every tab of the business gets the same event: "You have it" only for the person who holds the conversation.
  function statusWords(event) {
    if (event.status !== "human") return STATUS[event.status] || event.status;
    if (!event.holder_id) return t("A person has it");
    if (viewer && event.holder_id === viewer.content) return STATUS.human;
    return t("{name} has it", { name: event.holder_name });
  }
  const PLATFORM = { facebook: "Messenger", instagram: "Instagram", whatsapp: "WhatsApp" };

  function matches(scope, event) {
    if (!scope) return true;
    if (scope.dataset.page && scope.dataset.page !== "1") return false;
    if (scope.dataset.filterStage) return false; // a lead's stage is not in the event: wait for a reload
    if (scope.dataset.filterDelivery) return false; // nor whether the reply went out
    if (scope.dataset.filterSearch) return false; // nor the words of its messages
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
    const who = document.createElement("span");
    who.className = "who";
    const link = document.createElement("a");
    link.className = "title";
    link.href = "/conversations/" + encodeURIComponent(event.id);
    link.textContent = event.customer_name || t("Customer {ending}", { ending: String(event.customer_id).slice(-4) });
    const unread = document.createElement("span");
    unread.className = "unread-mark";
    unread.dataset.field = "unread";
    unread.hidden = true;
    who.append(link, " ", unread);
    const badge = document.createElement("span");
    badge.dataset.field = "status";
    top.append(who, badge);
    const meta = document.createElement("div");
    meta.className = "meta";
    meta.append(document.createTextNode((PLATFORM[event.platform] || event.platform) + " · "));
    if (event.source_kind === "ad" || event.source_kind === "comment") {
      const source = document.createElement("span");
      source.className = "source";
      source.dataset.field = "source";
      source.textContent = event.source_kind === "ad" ? t("From ad: {headline}", { headline: event.source_headline }) : t("From a comment");
      meta.append(source, " · ");
    }
    const time = document.createElement("time");
    time.dataset.field = "time";
    meta.appendChild(time);
    li.append(top, meta);
    return li;
  }

  // Whether the customer got the latest reply: a row whose reply did not go out says so, and why.
  const DELIVERY = { failed: t("Not answered"), pending: t("Sending again") };
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
      badge.textContent = statusWords(event);
    }
    const time = row.querySelector('[data-field="time"]');
    if (time) {
      time.dateTime = event.last_message_at;
      time.textContent = event.time_text;
    }
    row.classList.toggle("needs-person", event.status === "handoff" || event.status === "human");
    showDelivery(row, event);
    showLast(row, event);
    if (event.new_message === false && row.parentNode === list) return; // a new status only: redrawn in place
    row.classList.remove("fresh");
    void row.offsetWidth; // restart the highlight
    row.classList.add("fresh");
    list.prepend(row);
    if (status) status.textContent = t("New message from {name}", { name: event.customer_name || t("a customer") });
  }

  // The row's last message and how many of the customer's messages nobody has read yet.
  function showLast(row, event) {
    const unread = row.querySelector('[data-field="unread"]');
    if (unread) {
      unread.textContent = event.unread || "";
      unread.hidden = !event.unread;
    }
    row.classList.toggle("unread", Boolean(event.unread));
    if (!event.preview) return;
    let preview = row.querySelector('[data-field="preview"]');
    if (!preview) {
      preview = document.createElement("div");
      preview.className = "preview";
      preview.dataset.field = "preview";
      const meta = row.querySelector(".meta");
      if (meta) meta.after(preview); else row.appendChild(preview);
    }
    preview.textContent = event.preview;
  }

  // The open thread redraws from its own page: new messages, the status badge, the take-over and release buttons
  // and the notices above them, exactly as a reload would draw them.
  const PARTS = ["[data-conversation-status]", "[data-thread-state]", "[data-reply-hint]"];
  let reading = false;
  let again = false;
  async function refreshThread() {
    if (reading) { again = true; return; }
    reading = true;
    try {
      const response = await fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.querySelector("[data-thread]");
      if (fresh) {
        const empty = thread.querySelector("[data-empty]");
        fresh.querySelectorAll("[data-message]").forEach(function (item) {
          if (thread.querySelector('[data-message="' + CSS.escape(item.dataset.message) + '"]')) return;
          if (empty) empty.remove();
          thread.appendChild(document.importNode(item, true));
        });
      }
      PARTS.forEach(function (selector) {
        const mine = document.querySelector(selector);
        const theirs = doc.querySelector(selector);
        if (!mine || !theirs || mine.outerHTML === theirs.outerHTML) return;
        // Keep focus where it was when it sits in the part being redrawn (a button that is replaced).
        const focused = mine.contains(document.activeElement);
        const copy = document.importNode(theirs, true);
        mine.replaceWith(copy);
        if (focused) {
          copy.setAttribute("tabindex", "-1");
          copy.focus();
        }
      });
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
