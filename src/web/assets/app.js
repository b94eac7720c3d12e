/* postroom's web app: the little it needs a script for. Every page works
   without it; this only saves clicks. Served from /assets/app.js (the CSP
   allows scripts from 'self' only, so nothing is inline). */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  /* a checkbox with data-select-all="NAME" ticks every checkbox named NAME
     in its form */
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      var name = all.getAttribute("data-select-all");
      var form = all.form || document;
      form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
  /* a button with data-confirm asks first */
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  /* a select with data-autosubmit sends its form when changed */
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { if (s.form) s.form.submit(); });
  });
});
/* the user account (issue 11): a tab that was signed in and comes to the
   sign-in page without having signed out was sent there because its
   session ended. The guards' Clear-Site-Data took the cookie that would
   have told the server so, but not the tab's sessionStorage, which
   remembers that it was signed in. */
document.addEventListener("DOMContentLoaded", function () {
  var key = "postroom.signedIn";
  try {
    if (document.body.classList.contains("app")) {
      sessionStorage.setItem(key, "1");
      document.querySelectorAll("form.signout").forEach(function (f) {
        f.addEventListener("submit", function () { sessionStorage.removeItem(key); });
      });
      return;
    }
    var note = document.querySelector("[data-session-ended]");
    if (note && sessionStorage.getItem(key)) note.hidden = false;
    if (document.querySelector('form[action="/login"]')) sessionStorage.removeItem(key);
  } catch (e) { /* no storage: the page as the server wrote it */ }
});
/* an import job's page (web/import.c): its progress bar follows the job,
   polling its status, and the page reloads (showing the result) once the
   job has ended */
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-import-job]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-import-job");
  var bar = box.querySelector("progress"), text = box.querySelector("[data-import-text]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (!j) return;
        if (j.state === "done" || j.state === "failed") { window.location.reload(); return; }
        bar.value = j.percent;
        bar.textContent = j.percent + "%";
        text.textContent = (j.state === "queued" ? "Waiting to start" : "Importing") + ": " +
          j.rowsRead + " rows read, " + j.ordersStaged + " orders checked so far.";
        window.setTimeout(poll, 400);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 300);
});
