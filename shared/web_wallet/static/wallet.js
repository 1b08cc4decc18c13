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
// A wait the core imposed (throttled, locked): the time counts down, the form's button stays off until it is
// over, then the banner says the customer can try again. The server decides; this only shows it.
document.addEventListener("DOMContentLoaded", function () {
  var counter = document.querySelector(".countdown[data-seconds]");
  if (!counter) { return; }
  var banner = counter.closest(".banner");
  var buttons = document.querySelectorAll("form.form button[type=submit]");
  var end = Date.now() + 1000 * parseInt(counter.dataset.seconds, 10);
  function show(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    counter.textContent = (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }
  function tick() {
    var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    if (left > 0) {
      show(left);
      buttons.forEach(function (b) { b.disabled = true; });
      window.setTimeout(tick, 250);
      return;
    }
    buttons.forEach(function (b) { b.disabled = false; });
    if (banner) {
      banner.textContent = counter.dataset.done;
      banner.className = "banner banner-info";
    }
  }
  tick();
});
