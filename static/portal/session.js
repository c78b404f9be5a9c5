// The idle session, seen from the page (server side: portal/session_views.py).
//
// 1. Timer. <body data-session-expires-in> holds the seconds left when the page was rendered;
//    every htmx or fetch response carries X-Session-Expires-In and resets the timer. Tabs share
//    the deadline through localStorage, so work in one tab keeps the others from warning.
// 2. Warning. data-session-warning seconds before the end, the alert dialog of
//    templates/portal/_session_dialog.html opens with a countdown and "Stay signed in", which
//    POSTs to the keep-alive endpoint. At the end the dialog says so and offers to sign in again.
// 3. Drafts. What a user types into a POST form (text fields and text areas, never passwords,
//    one-time codes or files) is kept in sessionStorage, keyed by page path and form action,
//    and put back when the page is shown again, e.g. after signing in once more. Submitting
//    marks the draft as sent; the next page deletes sent drafts if still signed in (the POST
//    went through: saved, or shown again with the input by the server) and keeps them if it is
//    the sign-in page (the session had ended, the POST was lost). Signing out deletes them all,
//    and the drafts pages keep on their own ("draft:…", the intake's).
// Background polling (hx-trigger="every …") is marked with X-Portal-Background so that it does
// not count as activity on the server.
(function () {
  "use strict";

  var body = document.body;
  var EXPIRES_HEADER = "X-Session-Expires-In";
  var BACKGROUND_HEADER = "X-Portal-Background";
  var DEADLINE_KEY = "portal.session.deadline";
  var DRAFT_PREFIX = "portal.draft:";
  var PAGE_DRAFT_PREFIX = "draft:";
  var TEXT_TYPES = ["text", "search", "email", "tel", "url", "number", "date", "time", "datetime-local"];
  var SECRET_AUTOCOMPLETE = ["current-password", "new-password", "one-time-code"];
  var SECRET_NAMES = ["password", "token", "otp_token"];

  var secondsAtLoad = parseInt(body.dataset.sessionExpiresIn, 10);
  var signedIn = !isNaN(secondsAtLoad);
  var user = body.dataset.sessionUser || "";

  // ---- Drafts ------------------------------------------------------------------------------

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }  // blocked storage
  }

  function isKeptField(field) {
    if (!field.name || field.disabled || field.readOnly) { return false; }
    if (SECRET_NAMES.indexOf(field.name) !== -1) { return false; }
    if (SECRET_AUTOCOMPLETE.indexOf((field.getAttribute("autocomplete") || "").toLowerCase()) !== -1) { return false; }
    if (field.tagName === "TEXTAREA") { return true; }
    return field.tagName === "INPUT" && TEXT_TYPES.indexOf(field.type) !== -1;
  }

  function isKeptForm(form) {
    if (!form || form.tagName !== "FORM") { return false; }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return false; }
    if (form.dataset.keep === "off" || form.closest("dialog")) { return false; }
    return !form.querySelector("input[type=password]");
  }

  function draftKey(form) {
    // getAttribute: form.action would be a field if one were named "action".
    var action = new URL(form.getAttribute("action") || location.href, location.href);
    return DRAFT_PREFIX + location.pathname + "|" + action.pathname;
  }

  function readDraft(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function writeDraft(store, key, draft) {
    try { store.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full */ }
  }

  function saveDraft(form) {
    var store = storage();
    if (!store || !user) { return; }
    var fields = {};
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (isKeptField(field) && field.value !== field.defaultValue) {
        // "base" is what the server showed; a draft only replaces a field still showing it.
        fields[field.name] = { value: field.value, base: field.defaultValue };
        changed = true;
      }
    });
    if (changed) {
      writeDraft(store, draftKey(form), { user: user, sent: false, fields: fields });
    } else {
      store.removeItem(draftKey(form));
    }
  }

  function eachDraft(store, callback) {
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      if (store.key(i).indexOf(DRAFT_PREFIX) === 0) { keys.push(store.key(i)); }
    }
    keys.forEach(function (key) { callback(key, readDraft(store, key)); });
  }

  function settleDrafts() {
    var store = storage();
    if (!store) { return; }
    eachDraft(store, function (key, draft) {
      if (!draft) {
        store.removeItem(key);
      } else if (!signedIn) {
        if (draft.sent) {  // the session had ended: the POST never reached the form's view
          draft.sent = false;
          writeDraft(store, key, draft);
        }
      } else if (draft.sent || draft.user !== user) {
        store.removeItem(key);  // went through, or typed by someone else in this tab
      }
    });
  }

  function restoreDrafts() {
    var store = storage();
    var notice = document.getElementById("session-restored-notice");
    if (!store || !signedIn) { return; }
    Array.prototype.forEach.call(document.forms, function (form) {
      if (!isKeptForm(form)) { return; }
      var draft = readDraft(store, draftKey(form));
      if (!draft || !draft.fields) { return; }
      var restored = false;
      Object.keys(draft.fields).forEach(function (name) {
        var field = form.elements.namedItem(name);
        var kept = draft.fields[name];
        if (field && isKeptField(field) && field.value === kept.base && field.value !== kept.value) {
          field.value = kept.value;
          restored = true;
        }
      });
      if (restored && notice) {
        form.insertBefore(notice.content.cloneNode(true), form.firstChild);
      }
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (signedIn && field.form && isKeptForm(field.form) && isKeptField(field)) {
      saveDraft(field.form);
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var store = storage();
    if (!store || event.defaultPrevented) { return; }  // htmx forms: see htmx:afterRequest
    if (form.hasAttribute("data-session-sign-out")) {
      eachDraft(store, function (key) { store.removeItem(key); });
      // Pages that keep their own draft (the intake: "draft:intake:<user>") lose it too.
      var own = [];
      for (var i = 0; i < store.length; i++) {
        if (store.key(i).indexOf(PAGE_DRAFT_PREFIX) === 0) { own.push(store.key(i)); }
      }
      own.forEach(function (key) { store.removeItem(key); });
      return;
    }
    if (!isKeptForm(form)) { return; }
    var draft = readDraft(store, draftKey(form));
    if (draft) {
      draft.sent = true;
      writeDraft(store, draftKey(form), draft);
    }
  });

  settleDrafts();
  restoreDrafts();

  // ---- Timer and dialog --------------------------------------------------------------------

  if (!signedIn) { return; }

  var dialog = document.getElementById("session-dialog");
  var warningMs = (parseInt(body.dataset.sessionWarning, 10) || 120) * 1000;
  var deadline = 0;
  var ended = false;
  var focusBefore = null;

  function share(value) {
    try { localStorage.setItem(DEADLINE_KEY, String(value)); } catch (e) { /* private mode */ }
  }

  function learn(seconds) {
    var value = parseInt(seconds, 10);
    if (isNaN(value) || ended) { return; }
    deadline = Date.now() + value * 1000;
    share(deadline);
    tick();
  }

  function state(name) {
    Array.prototype.forEach.call(dialog.querySelectorAll("[data-session-state]"), function (part) {
      part.hidden = part.dataset.sessionState !== name;
    });
    dialog.setAttribute("aria-labelledby", "session-" + name + "-title");
    dialog.setAttribute("aria-describedby", "session-" + name + "-text");
  }

  function open(name, focusSelector) {
    state(name);
    if (!dialog.open) {
      focusBefore = document.activeElement;
      dialog.showModal();
    }
    var target = dialog.querySelector(focusSelector);
    if (target) { target.focus(); }
  }

  function close() {
    if (dialog.open) { dialog.close(); }
    if (focusBefore && document.contains(focusBefore)) { focusBefore.focus(); }
    focusBefore = null;
  }

  function countdown(ms) {
    var seconds = Math.max(0, Math.ceil(ms / 1000));
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function end() {
    ended = true;
    open("ended", "[data-testid=sign-in-again]");
  }

  function tick() {
    if (!dialog || ended) { return; }
    var left = deadline - Date.now();
    if (left <= 0) {
      end();
    } else if (left <= warningMs) {
      dialog.querySelector("[data-session-countdown]").textContent = countdown(left);
      if (!dialog.open) { open("warning", "[data-testid=stay-signed-in]"); }
    } else if (dialog.open) {
      close();  // renewed meanwhile, here or in another tab
    }
  }

  function stay() {
    var form = dialog.querySelector("[data-session-keep-alive]");
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual",  // an ended session answers with a redirect to the sign-in page
      headers: { "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      if (response.status === 204) { close(); } else { end(); }
    }, function () { /* offline: the countdown goes on, the user may try again */ });
  }

  if (dialog) {
    dialog.querySelector("[data-session-keep-alive]").addEventListener("submit", function (event) {
      event.preventDefault();
      stay();
    });
    dialog.addEventListener("cancel", function (event) {
      // Escape while warned: the user is here, which is what "Stay signed in" asks.
      if (!ended) { event.preventDefault(); stay(); }
    });
  }

  if (window.fetch) {
    var fetchBefore = window.fetch;
    window.fetch = function () {
      return fetchBefore.apply(this, arguments).then(function (response) {
        if (response.ok) { learn(response.headers.get(EXPIRES_HEADER)); }
        return response;
      });
    };
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var trigger = (event.detail.elt && event.detail.elt.getAttribute("hx-trigger")) || "";
    if (/^\s*every\s/.test(trigger)) { event.detail.headers[BACKGROUND_HEADER] = "1"; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (!event.detail.successful || !xhr) { return; }
    learn(xhr.getResponseHeader(EXPIRES_HEADER));
    var form = event.detail.elt;
    var store = storage();
    if (store && isKeptForm(form)) { store.removeItem(draftKey(form)); }  // an htmx form saved
  });

  window.addEventListener("storage", function (event) {
    if (event.key === DEADLINE_KEY && event.newValue && !ended) {
      deadline = parseInt(event.newValue, 10) || deadline;
      tick();
    }
  });

  document.addEventListener("visibilitychange", tick);  // timers sleep in hidden tabs
  learn(secondsAtLoad);
  window.setInterval(tick, 1000);
})();
