// Small enhancements on top of pages that work without JavaScript:
// lease countdowns, the confidence slider's read-out, "select all" in the queue.
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  // The words come from the page (base.html's <main> data-countdown-*), in the reader's language.
  function words(el, name, english) {
    const holder = el.closest("[data-countdown-" + name + "]");
    return holder ? holder.getAttribute("data-countdown-" + name) : english;
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("[data-expires-at]").forEach(function (el) {
      const left = Math.round((Date.parse(el.dataset.expiresAt) - now) / 1000);
      if (Number.isNaN(left)) return;
      if (left <= 0) {
        el.textContent = words(el, "expired", "expired");
        el.classList.add("expired");
      } else {
        const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
        const time = (h ? h + ":" + pad(m) : m) + ":" + pad(s);
        el.textContent = words(el, "left", "{time} left").replace("{time}", time);
        el.classList.toggle("expiring", left < 300);
      }
    });
  }

  function showRange(input) {
    const out = document.getElementById(input.dataset.output);
    if (out) out.textContent = Number(input.value).toFixed(2);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("input[type=range][data-output]")) showRange(event.target);
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      const form = event.target.dataset.selectAll;
      document.querySelectorAll('input[type=checkbox][name=ids][form="' + form + '"]').forEach(function (box) {
        box.checked = event.target.checked;
      });
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[type=range][data-output]").forEach(showRange);
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    tick();
    window.setInterval(tick, 1000);
  });
})();
