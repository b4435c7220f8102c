// The settings forms that talk to the account API: tokens, password, account deletion.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  async function call(method, url, body) {
    const response = await fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await response.json().catch(function () { return {}; });
    return { status: response.status, ok: response.ok, data: data };
  }

  // A success and an error never show together on this page: what the latest form said replaces the rest.
  function hideSuccesses() {
    document.querySelectorAll("main .alert.ok, [data-done], [data-token-created]").forEach(function (el) { el.hidden = true; });
  }

  function hideOtherErrors() {
    document.querySelectorAll("main .alert.error, main .field-error").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll("main .field.invalid").forEach(function (el) { el.classList.remove("invalid"); });
  }

  function showErrors(form, error) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.hidden = true; el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    if (!error) {
      hideOtherErrors();
      return;
    }
    hideSuccesses();
    const fields = error.fields || {};
    let placed = false;
    Object.keys(fields).forEach(function (name) {
      const slot = form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
      const input = form.elements.namedItem(name);
      if (slot) {
        slot.textContent = fields[name].charAt(0).toUpperCase() + fields[name].slice(1);
        slot.hidden = false;
        placed = true;
      }
      if (input && input.setAttribute) input.setAttribute("aria-invalid", "true");
    });
    if (!placed) {
      const slot = form.querySelector('[data-error-for="form"]') || form.querySelector("[data-error-for]");
      if (slot) { slot.textContent = error.message || t("That did not work; try again."); slot.hidden = false; }
    }
  }

  // Tokens list
  const tokens = document.querySelector("[data-tokens]");
  async function loadTokens() {
    if (!tokens) return;
    const list = tokens.querySelector("[data-tokens-list]");
    let result;
    try { result = await call("GET", "/api/tokens"); } catch (err) { return; }
    if (result.status === 404 || result.status === 405) {
      tokens.querySelector("[data-tokens-unavailable]").hidden = false;
      tokens.querySelector("form").hidden = true;
      return;
    }
    const items = (result.data && result.data.tokens) || [];
    if (!items.length) {
      const p = document.createElement("p");
      p.className = "empty";
      p.textContent = t("No API tokens yet.");
      list.replaceChildren(p);
      return;
    }
    // The tokens the platform names itself (at sign-up, at each login) read in the page's language; an owner's
    // own name stays as they wrote it.
    const ownNames = { signup: ["Sign-up", t("Sign-up")], login: ["Login", t("Login")] };
    const nameOf = function (token) {
      const own = ownNames[token.kind];
      return own && token.name === own[0] ? own[1] : token.name;
    };
    const ul = document.createElement("ul");
    ul.className = "list";
    items.forEach(function (token) {
      const li = document.createElement("li");
      li.className = "spread";
      const text = document.createElement("span");
      const day = function (at) { return new Date(at).toLocaleDateString(document.documentElement.lang || undefined); };
      text.textContent = (nameOf(token) || t("Token")) + " · " + (token.hint || "") +
        " · " + (token.last_used_at ? t("last used {date}", { date: day(token.last_used_at) }) : t("never used")) +
        (token.expires_at ? " · " + t("expires {date}", { date: day(token.expires_at) }) : "") +
        (token.current ? " · " + t("this session") : "");
      li.appendChild(text);
      if (!token.current) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "secondary small";
        button.textContent = t("Revoke");
        button.setAttribute("aria-label", t("Revoke {name}", { name: nameOf(token) || t("this token") }));
        button.addEventListener("click", async function () {
          if (!window.confirm(t("Revoke {name}? Software using it stops working at once.", { name: nameOf(token) || t("this token") }))) return;
          await call("DELETE", "/api/tokens/" + encodeURIComponent(token.id));
          loadTokens();
        });
        li.appendChild(button);
      }
      ul.appendChild(li);
    });
    list.replaceChildren(ul);
  }
  loadTokens();

  document.querySelectorAll("form[data-api]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const question = form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) return;
      const body = {};
      Array.from(form.elements).forEach(function (el) { if (el.name) body[el.name] = el.value; });
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      let result;
      try {
        result = await call(form.getAttribute("data-method") || "POST", form.getAttribute("data-api"), body);
      } catch (err) {
        showErrors(form, { message: t("No connection. Check your internet and try again.") });
        button.disabled = false;
        return;
      }
      button.disabled = false;
      if (result.status === 404 || result.status === 405) {
        showErrors(form, { message: t("This is not available on this server yet.") });
        return;
      }
      if (!result.ok) {
        showErrors(form, result.data.error || {});
        return;
      }
      showErrors(form, null);
      const kind = form.getAttribute("data-success");
      if (kind === "token") {
        const shown = form.querySelector("[data-token-created]");
        shown.textContent = t("Copy this token now; it is not shown again. It works until {date}: {token}", {
          date: new Date(result.data.expires_at).toLocaleDateString(document.documentElement.lang || undefined),
          token: result.data.token,
        });
        shown.hidden = false;
        form.reset();
        loadTokens();
      } else if (kind === "deleted") {
        window.location.assign("/");
      } else {
        form.reset();
        const done = form.querySelector("[data-done]");
        if (done) done.hidden = false;
      }
    });
  });
})();
