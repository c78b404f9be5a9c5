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
