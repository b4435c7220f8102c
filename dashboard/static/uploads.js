// Uploads each chosen document on its own with a progress bar, then reloads the list.
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  const input = form.querySelector('input[type="file"]');
  const list = form.querySelector(".upload-progress");
  const csrf = form.querySelector('input[name="csrf_token"]').value;

  function upload(file) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.className = "progress-bar";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", t("Uploading {name}", { name: file.name }));
    const status = document.createElement("span");
    status.className = "meta";
    item.append(name, bar, status);
    list.appendChild(item);
    return new Promise(function (resolve) {
      const request = new XMLHttpRequest();
      request.open("POST", "/api/knowledge/documents");
      request.setRequestHeader("X-CSRF-Token", csrf);
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
      });
      request.addEventListener("load", function () {
        if (request.status === 201) {
          bar.value = 100;
          status.textContent = t("Added");
          resolve(true);
          return;
        }
        let message = t("Could not be added");
        try { message = JSON.parse(request.responseText).error.message || message; } catch (err) { /* keep the plain message */ }
        status.textContent = message;
        item.classList.add("field-error");
        resolve(false);
      });
      request.addEventListener("error", function () {
        status.textContent = t("No connection; try again");
        resolve(false);
      });
      const body = new FormData();
      body.append("file", file, file.name);
      request.send(body);
    });
  }

  form.addEventListener("submit", async function (event) {
    if (!input.files || input.files.length === 0) return; // the server says what to do
    event.preventDefault();
    list.replaceChildren();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    const results = [];
    for (const file of Array.from(input.files)) {
      results.push(await upload(file));
    }
    button.disabled = false;
    if (results.every(Boolean)) {
      window.location.assign("/onboarding?notice=uploaded#documents");
    }
  });
})();
