// Top up (templates/topup.html): typing another amount unchooses the presets; choosing a preset empties it
// (the server takes a typed amount over a preset, so the page works the same without script).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var other = document.getElementById("other_amount");
  if (!other) { return; }
  var presets = document.querySelectorAll(".presets input[type=radio]");
  other.addEventListener("input", function () {
    if (other.value.trim()) { presets.forEach(function (radio) { radio.checked = false; }); }
  });
  presets.forEach(function (radio) {
    radio.addEventListener("change", function () { if (radio.checked) { other.value = ""; } });
  });
});
