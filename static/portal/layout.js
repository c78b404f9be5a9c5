// Narrow screens (issue 12, phones at 390 px). Plain JS in a file: the CSP allows no inline script.

// The header's menu button: a disclosure (button + aria-expanded + aria-controls). Escape closes
// it and gives the focus back to the button, unless Escape was for an open dropdown inside it.
(function () {
  "use strict";
  var toggle = document.querySelector("[data-menu-toggle]");
  var panel = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (!panel) { return; }
  function isOpen() { return toggle.getAttribute("aria-expanded") === "true"; }
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", String(open));
    panel.classList.toggle("is-open", open);
  }
  toggle.addEventListener("click", function () { setOpen(!isOpen()); });
  // On the window in the capture phase: before Bootstrap's dropdown handler (its delegated
  // handlers capture on the document), so that an open dropdown is still seen as open here.
  window.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !isOpen() || panel.querySelector(".dropdown-menu.show")) { return; }
    if (toggle.offsetParent === null) { return; }  // desktop: the menu is always shown
    setOpen(false);
    toggle.focus();
  }, true);
})();

// A table wider than the screen scrolls inside its own box instead of widening the page. A
// scrolling box without anything focusable inside gets a tab stop, so that the keyboard can
// scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";
  function prepare(root) {
    if (!root.querySelectorAll) { return; }
    var tables = root.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.closest(".table-responsive, .overflow-auto")) { continue; }
      var box = document.createElement("div");
      box.className = "table-responsive";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    var boxes = root.querySelectorAll("main .table-responsive, main .overflow-auto");
    for (var j = 0; j < boxes.length; j++) {
      if (!boxes[j].hasAttribute("tabindex") && !boxes[j].querySelector(FOCUSABLE)) {
        boxes[j].tabIndex = 0;
      }
    }
  }
  prepare(document);
  // Rows that htmx swaps in (filters, polling panels).
  document.addEventListener("htmx:load", function (event) {
    prepare(event.target.parentNode || document);
  });
})();

// Filters that fold away on a phone (`details[data-open-wide]`, the case list's): the list
// starts under the search box instead of under nine fields. Open on wider screens, and always
// when the page says a filter is set (the template's `open`).
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 768px)").matches) { return; }
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    details.open = true;
  });
})();
