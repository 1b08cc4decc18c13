// The web wallet's shared script (no inline script anywhere: the Content-Security-Policy forbids it).
// A form sends once: its submit button is disabled while the page waits, so a double tap is one request.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset.sent === "1") { event.preventDefault(); return; }
  form.dataset.sent = "1";
  var button = form.querySelector("button[type=submit]");
  if (button) { button.disabled = true; }
});
// Coming back with the browser's Back button: the page may come from the back-forward cache with a form
// still marked as sent.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    delete form.dataset.sent;
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = false; }
  });
});
