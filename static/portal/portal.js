// Font-size control (A− / A+) as on Kyiv's official portals, remembered in this browser.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "portal.fontScale";
  function apply(scale) {
    scale = Math.max(-1, Math.min(3, scale));
    root.setAttribute("data-font-scale", String(scale));
    try { localStorage.setItem(KEY, String(scale)); } catch (e) { /* private mode */ }
  }
  var saved = 0;
  try { saved = parseInt(localStorage.getItem(KEY) || "0", 10) || 0; } catch (e) { saved = 0; }
  apply(saved);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-font-step]");
    if (!button) { return; }
    apply(parseInt(root.getAttribute("data-font-scale"), 10) + parseInt(button.dataset.fontStep, 10));
  });
})();

// Intake: "same person" in the lookup fills the hidden field of that person's form.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-same-person]");
  if (!button) return;
  var field = document.querySelector('[name="' + button.dataset.target + '"]');
  if (field) {
    field.value = button.dataset.samePerson;
    button.textContent = "✓";
    button.setAttribute("aria-pressed", "true");
  }
});

// A <select data-autosubmit> sends its form when changed (no inline onchange: see the CSP).
document.addEventListener("change", function (event) {
  var field = event.target.closest("[data-autosubmit]");
  if (field && field.form) { field.form.requestSubmit(); }
});

// The case page's tabs that other apps add (referrals, orders, plan, team) are read when first
// opened: until then the pane holds [data-lazy-tab] with the address of its content. A response
// without the section's header is a sign-in page after a lost session: the page is reloaded,
// which leads to sign-in and back. A failure says so in the pane; opening the tab again retries.
(function () {
  var SECTION_HEADER = "X-Portal-Fragment";

  function load(pane) {
    var slot = pane && pane.querySelector("[data-lazy-tab]");
    if (!slot || !window.htmx || slot.getAttribute("data-loading") === "1") { return; }
    if (slot.portalWaiting === undefined) { slot.portalWaiting = slot.innerHTML; }
    slot.innerHTML = slot.portalWaiting;  // after a failure: "Loading…" again, not the error
    slot.removeAttribute("role");
    slot.setAttribute("data-loading", "1");
    slot.setAttribute("aria-busy", "true");
    window.htmx.ajax("GET", slot.getAttribute("data-lazy-tab"), { source: slot, target: slot, swap: "outerHTML" });
  }

  function fail(slot) {
    slot.removeAttribute("data-loading");
    slot.removeAttribute("aria-busy");
    slot.setAttribute("role", "alert");
    slot.textContent = slot.getAttribute("data-lazy-error");
  }

  document.addEventListener("shown.bs.tab", function (event) {
    var target = event.target.getAttribute("data-bs-target");
    var pane = target && target.charAt(0) === "#" ? document.getElementById(target.slice(1)) : null;
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { load(pane); });
    } else {
      load(pane);
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var slot = event.target;
    if (!slot.hasAttribute || !slot.hasAttribute("data-lazy-tab")) { return; }
    var xhr = event.detail.xhr;
    if (xhr.status === 200 && xhr.getResponseHeader(SECTION_HEADER) === "case-section") {
      event.detail.shouldSwap = true;
      return;
    }
    event.detail.shouldSwap = false;
    event.detail.isError = false;  // handled here, not as an htmx error
    if (xhr.status === 200) { window.location.reload(); } else { fail(slot); }
  });

  ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var slot = event.target;
      if (slot.hasAttribute && slot.hasAttribute("data-lazy-tab")) { fail(slot); }
    });
  });
})();

// Open the tab named in the address (#notes), so that a redirect after saving lands where the
// user was (the case page's tabs).
(function () {
  var hash = window.location.hash;
  if (!hash || !window.bootstrap) { return; }
  var tabs = document.querySelectorAll("[data-bs-target]");
  for (var i = 0; i < tabs.length; i++) {
    if (tabs[i].getAttribute("data-bs-target") === hash && tabs[i].getAttribute("data-bs-toggle") === "tab") {
      window.bootstrap.Tab.getOrCreateInstance(tabs[i]).show();
      return;
    }
  }
})();
