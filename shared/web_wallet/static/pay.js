// Pay (templates/pay.html): the countdown, a new code before this one expires, the till's answer pushed by the
// server (server-sent events on the session cookie: no token in the URL), and the code covered whenever the
// page is hidden or loses focus (a tap shows it again). No inline script: the CSP forbids it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var panel = document.getElementById("pay-code");
  if (!panel) { return; }
  var ref = panel.dataset.ref;
  var ttl = parseInt(panel.dataset.ttl, 10);
  var started = Date.now();
  var left0 = parseInt(panel.dataset.left, 10);
  var refreshAt = started + 1000 * parseInt(panel.dataset.refreshIn, 10);
  var timeLeft = document.getElementById("time-left");
  var bar = document.getElementById("time-bar");
  var banner = document.getElementById("pay-banner");
  var cover = document.getElementById("cover");
  var done = false;        // paid, or this code is over: no refresh, no countdown
  var source = null;
  var timer = null;

  function newCode() {
    if (source) { source.close(); }
    window.location.replace(panel.dataset.refresh);
  }

  // -- the countdown and the refresh before expiry -----------------------------------------------------
  function tick() {
    if (done) { return; }
    var left = Math.max(0, left0 - Math.floor((Date.now() - started) / 1000));
    timeLeft.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    bar.value = left;
    panel.classList.toggle("ending", left <= 10);
    if (Date.now() >= refreshAt) { newCode(); return; }
    timer = window.setTimeout(tick, 250);
  }
  tick();

  // -- covered while the page is hidden or not in focus ----------------------------------------------------
  function hide() {
    if (done) { return; }
    panel.classList.add("covered");
    cover.hidden = false;
  }
  function show() {
    panel.classList.remove("covered");
    cover.hidden = true;
  }
  document.addEventListener("visibilitychange", function () { if (document.hidden) { hide(); } });
  window.addEventListener("blur", hide);
  window.addEventListener("pagehide", hide);
  cover.addEventListener("click", show);
  // back from the back-forward cache: this code is old news, take a new one
  window.addEventListener("pageshow", function (event) { if (event.persisted && !done) { newCode(); } });
  if (document.hidden) { hide(); }

  // -- what the till did ---------------------------------------------------------------------------------
  function over(message) {
    done = true;
    window.clearTimeout(timer);
    if (source) { source.close(); }
    panel.classList.add("over");
    document.getElementById("qr").replaceChildren();
    document.getElementById("numeric").textContent = "";
    banner.textContent = message;
    banner.hidden = false;
    cover.hidden = true;
  }
  function paid(data) {
    done = true;
    window.clearTimeout(timer);
    if (source) { source.close(); }
    panel.remove();                         // the code leaves the page for good
    document.getElementById("paid-title").textContent = "✓ " + data.title;
    document.getElementById("paid-amount").textContent = data.amount || "";
    document.getElementById("paid-store").textContent = data.store || "";
    document.getElementById("paid-details").textContent = (data.details || []).join("\n");
    document.getElementById("paid").hidden = false;
    document.body.classList.add("is-paid");
    document.title = data.said || data.title;
  }
  if (!window.EventSource) { return; }
  source = new EventSource(panel.dataset.events);
  source.addEventListener("status", function (event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (data.ref !== ref) {                 // another tab took a newer code: this one no longer works
      over(panel.dataset.superseded || "");
      return;
    }
    if (data.state === "paid") { paid(data); }
    else if (data.state === "expired") { newCode(); }
    else if (data.state === "refused" || data.state === "superseded" || data.state === "revoked") {
      over(data.message || "");
    }
  });
  source.addEventListener("error", function (event) {
    if (event.data) {                       // the session ended: the page says so and offers sign-in
      source.close();
      window.location.reload();
    }
  });
});
