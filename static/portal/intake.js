// The intake page (cases/intake.html). The form works without this file; it adds:
// - the focus on the error summary after a refused submit;
// - Enter in a one-line field does not submit a half-filled report;
// - a draft that survives a reload of the tab;
// - the number of risk questions not answered yet.
(function () {
  "use strict";
  var form = document.querySelector("[data-testid=intake-form]");
  if (!form) return;

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || el.tagName !== "INPUT") return;
    if (el.type === "submit" || el.type === "button") return;
    event.preventDefault();
  });

  // The draft lives in sessionStorage: this tab only, gone when the tab closes. NEVER
  // localStorage: these are the name, phone and address of a person hiding from violence, and
  // localStorage stays on a shared office computer after sign-out, readable by the next user.
  // The key carries the user's id, so another sign-in in the same tab does not see the draft.
  var key = "draft:" + form.dataset.draftKey;
  var storage;
  try { storage = window.sessionStorage; } catch (e) { storage = null; }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "hidden" &&
        el.type !== "submit" && el.type !== "button" && el.type !== "file";
    });
  }
  function save() {
    if (!storage) return;
    var draft = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        draft[el.name] = draft[el.name] || [];
        if (el.checked) draft[el.name].push(el.value);
      } else {
        draft[el.name] = el.value;
      }
    });
    try { storage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full: no draft */ }
  }
  function restore() {
    var raw = storage && storage.getItem(key);
    if (!raw) return false;
    var draft;
    try { draft = JSON.parse(raw); } catch (e) { return false; }
    fields().forEach(function (el) {
      if (!(el.name in draft)) return;
      var value = draft[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = Array.isArray(value) && value.indexOf(el.value) !== -1;
      } else if (typeof value === "string") {
        el.value = value;
      }
    });
    return true;
  }
  // After a refused submit the server's copy of the input is the newer one.
  if (form.dataset.bound !== "1" && restore()) {
    var notice = document.querySelector("[data-draft-notice]");
    if (notice) notice.hidden = false;
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  form.addEventListener("submit", function () { if (storage) storage.removeItem(key); });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-draft-discard]")) return;
    if (storage) storage.removeItem(key);
    window.location.reload();
  });

  // Risk questions without an answer: counted here, marked by intake.css.
  var counter = form.querySelector("[data-risk-open]");
  function countOpen() {
    if (!counter) return;
    var items = form.querySelectorAll(".risk-item");
    var open = Array.prototype.filter.call(items, function (item) {
      return !item.querySelector("input:checked");
    }).length;
    counter.textContent = counter.dataset.template.replace("%(open)s", open)
      .replace("%(total)s", items.length);
  }
  form.addEventListener("change", countOpen);
  countOpen();
})();
