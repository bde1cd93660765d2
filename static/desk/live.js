// Live pages (docs/live_pages.md): an element marked data-live polls with htmx
// (hx-trigger="every 5s, live:refresh", hx-swap="none"; the answer is out-of-band
// swaps of small status elements). This file only steers the polling, because the
// Content-Security-Policy forbids the eval that htmx's trigger filters need:
// - no request while the tab is hidden; one at once when it is shown again;
// - If-None-Match with the last ETag, so an unchanged claim costs a 304 and no swap;
// - one at once after the page swapped something in itself (evidence added, lease
//   extended), so the version and history follow the user's own changes;
// - none after the desk refused (403, 404) or the session ended (login page).
(function () {
  "use strict";

  const etags = new WeakMap();
  const stopped = new WeakSet();

  function live(event) {
    const elt = event.detail && event.detail.elt;
    return elt && elt.matches && elt.matches("[data-live]") ? elt : null;
  }

  function refreshAll() {
    if (document.visibilityState === "hidden" || !window.htmx) return;
    document.querySelectorAll("[data-live]").forEach(function (elt) {
      if (!stopped.has(elt)) window.htmx.trigger(elt, "live:refresh");
    });
  }

  function setState(elt, state) {
    elt.dataset.liveState = state; // "polling", "paused" or "stopped": for people debugging and for tests
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = live(event);
    if (!elt) return;
    if (stopped.has(elt) || document.visibilityState === "hidden") {
      event.preventDefault();
      setState(elt, stopped.has(elt) ? "stopped" : "paused");
    } else {
      setState(elt, "polling");
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    const elt = live(event);
    if (elt && etags.has(elt)) event.detail.headers["If-None-Match"] = etags.get(elt);
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (live(event) && event.detail.xhr.status === 304) event.detail.shouldSwap = false;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const elt = live(event);
    if (!elt) return;
    const xhr = event.detail.xhr;
    const endedUp = xhr.responseURL ? new URL(xhr.responseURL).pathname : "";
    if (xhr.status === 403 || xhr.status === 404 || (xhr.status === 200 && !endedUp.endsWith("/live"))) {
      stopped.add(elt);
      setState(elt, "stopped");
    } else if (xhr.status === 200 && xhr.getResponseHeader("ETag")) {
      etags.set(elt, xhr.getResponseHeader("ETag"));
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    // Something the user did swapped part of the page (not the poll itself): catch up now.
    if (!live(event)) refreshAll();
  });

  document.addEventListener("visibilitychange", function () {
    document.querySelectorAll("[data-live]").forEach(function (elt) {
      if (!stopped.has(elt)) setState(elt, document.visibilityState === "hidden" ? "paused" : "polling");
    });
    refreshAll();
  });
})();
