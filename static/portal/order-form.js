// The urgent order form: with a case number the new-case fields are not needed, so they hide
// (and are disabled, so they are not sent); "+10 діб" fills the end 10 days after the issue.
(function () {
  "use strict";
  var form = document.querySelector("[data-order-form]");
  if (!form) return;
  var caseNumber = form.querySelector('[name="case_number"]');
  var newCase = form.querySelector("[data-new-case]");
  function disclose() {
    var known = caseNumber.value.trim() !== "";
    newCase.hidden = known;
    newCase.querySelectorAll("input, select").forEach(function (el) { el.disabled = known; });
  }
  if (caseNumber && newCase) {
    caseNumber.addEventListener("input", disclose);
    disclose();
  }
  // dd.mm.yyyy hh:mm, the form's own format (cases.forms.datetime_field).
  function parse(text) {
    var m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
    return m ? new Date(+m[3], m[2] - 1, +m[1], +m[4], +m[5]) : null;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-plus-days]");
    if (!button) return;
    var from = parse(form.querySelector('[name="' + button.dataset.from + '"]').value);
    var target = form.querySelector('[name="' + button.dataset.target + '"]');
    if (!from || !target) return;
    // Calendar days on the wall clock, as the law counts them (orders.rules.urgent_max_end).
    from.setDate(from.getDate() + parseInt(button.dataset.plusDays, 10));
    target.value = pad(from.getDate()) + "." + pad(from.getMonth() + 1) + "." + from.getFullYear() +
      " " + pad(from.getHours()) + ":" + pad(from.getMinutes());
    target.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
