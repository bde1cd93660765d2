// Keyboard shortcuts for the desk. The list users see is the "?" dialog in
// templates/verification/_shortcuts_help.html; docs/desk.md describes them.
// They never fire while the user types in a field, nor with Ctrl, Alt or Meta
// held, so the browser's and screen readers' own keys keep working.
(function () {
  "use strict";

  const SEQUENCE_MS = 1500; // "g" then a letter, within this time
  let gPressedAt = 0;
  let returnFocus = null;

  function help() { return document.getElementById("shortcuts-help"); }

  function typing(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    return target.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])') !== null;
  }

  function reveal(el) {
    el.scrollIntoView({ block: "center" });
    el.focus();
  }

  function openHelp() {
    const dialog = help();
    if (!dialog || dialog.open) return;
    returnFocus = document.activeElement;
    dialog.showModal();
  }

  function takeNext() {
    const form = document.getElementById("shortcut-take-next");
    if (!form) return false;
    form.submit();
  }

  // The verdict when this claim can be assessed, else the sign-off's first field.
  function assessment() {
    const field = document.querySelector("#assess-form [name=verdict]") ||
      document.querySelector('[aria-labelledby="pending-heading"] form :is(input:not([type=hidden]), textarea, button)');
    if (!field) return false;
    reveal(field);
  }

  function addEvidence() {
    const details = document.querySelector("#evidence-panel details.add-evidence");
    if (!details) return false;
    details.open = true;
    const first = details.querySelector("input:not([type=hidden]), textarea");
    if (first) reveal(first);
  }

  function moveInQueue(step) {
    const links = Array.from(document.querySelectorAll("#queue-results [data-queue-row] .card-title a"));
    if (!links.length) return false;
    const at = links.indexOf(document.activeElement);
    const next = at === -1 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(at + step, 0), links.length - 1);
    document.querySelectorAll("[data-queue-row].is-current").forEach(function (row) { row.classList.remove("is-current"); });
    links[next].closest("[data-queue-row]").classList.add("is-current");
    links[next].focus();
    links[next].scrollIntoView({ block: "nearest" });
  }

  function search() {
    const box = document.getElementById("id_q");
    if (!box) return false;
    reveal(box);
  }

  function go(key) {
    const dialog = help();
    const url = { q: dialog.dataset.queueUrl, d: dialog.dataset.dashboardUrl, n: dialog.dataset.notificationsUrl }[key];
    if (!url) return false;
    window.location.assign(url);
  }

  const ACTIONS = {
    n: takeNext,
    a: assessment,
    e: addEvidence,
    j: function () { return moveInQueue(1); },
    k: function () { return moveInQueue(-1); },
    "/": search,
    g: function () { gPressedAt = Date.now(); },
  };

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.altKey || event.metaKey) return;
    const dialog = help();
    if (!dialog || dialog.open || typing(event.target)) return;
    const afterG = gPressedAt && Date.now() - gPressedAt < SEQUENCE_MS;
    gPressedAt = 0;
    let done;
    if (afterG) done = go(event.key);
    else if (event.key === "?") done = openHelp();
    else if (!event.shiftKey && Object.prototype.hasOwnProperty.call(ACTIONS, event.key)) done = ACTIONS[event.key]();
    else return;
    if (done !== false) event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target instanceof Element && event.target.closest("[data-shortcuts-open]")) openHelp();
  });

  document.addEventListener("DOMContentLoaded", function () {
    const dialog = help();
    if (!dialog) return;
    // Esc and the Close button both end here: focus goes back where it was.
    dialog.addEventListener("close", function () {
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
      returnFocus = null;
    });
  });
})();
