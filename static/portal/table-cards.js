// Labels for tables that become cards on a phone (static/portal/table-cards.css). Plain JS in a
// file: the CSP allows no inline script.
//
// Each body cell of a `table.table-cards` gets data-label = the visible text of its column's
// header (a header that is only visually hidden gives an empty label; a cell that already has a
// data-label keeps it; a cell spanning every column gets none). The table's parts also get their
// ARIA roles: some browsers drop a table's semantics once CSS changes its display, and the
// roles keep the header-to-cell relation for screen readers.
(function () {
  "use strict";

  function visibleText(cell) {
    var copy = cell.cloneNode(true);
    var hidden = copy.querySelectorAll(".visually-hidden, .visually-hidden-focusable, [aria-hidden=true]");
    for (var i = 0; i < hidden.length; i++) { hidden[i].remove(); }
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function headerLabels(table) {
    var head = table.tHead;
    var labels = [];
    if (!head || !head.rows.length) { return labels; }
    var cells = head.rows[head.rows.length - 1].cells;
    for (var i = 0; i < cells.length; i++) {
      var text = visibleText(cells[i]);
      for (var span = 0; span < cells[i].colSpan; span++) { labels.push(text); }
    }
    return labels;
  }

  function setRole(element, role) {
    if (!element.hasAttribute("role")) { element.setAttribute("role", role); }
  }

  function label(table) {
    var labels = headerLabels(table);
    setRole(table, "table");
    var groups = table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot");
    for (var g = 0; g < groups.length; g++) {
      var group = groups[g];
      var inHead = group.tagName === "THEAD";
      setRole(group, "rowgroup");
      for (var r = 0; r < group.rows.length; r++) {
        var row = group.rows[r];
        setRole(row, "row");
        var column = 0;
        for (var c = 0; c < row.cells.length; c++) {
          var cell = row.cells[c];
          if (inHead) {
            setRole(cell, "columnheader");
          } else {
            setRole(cell, cell.tagName === "TH" ? "rowheader" : "cell");
            var whole = labels.length > 1 && cell.colSpan >= labels.length;
            if (!whole && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", labels[column] || "");
            }
          }
          column += cell.colSpan;
        }
      }
    }
  }

  function prepare(root) {
    if (!root || !root.querySelectorAll) { return; }
    var own = root.closest && root.closest("table.table-cards");
    if (own) { label(own); }
    var tables = root.querySelectorAll("table.table-cards");
    for (var i = 0; i < tables.length; i++) { label(tables[i]); }
  }

  prepare(document);
  // Rows that htmx swaps in (filters, polling lists).
  document.addEventListener("htmx:load", function (event) { prepare(event.target); });
})();
