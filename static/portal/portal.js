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
