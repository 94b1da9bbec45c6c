// Small progressive enhancements. Everything works without this file.
(function () {
  "use strict";

  // Move focus to the error summary after a failed submit, so screen readers announce it.
  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  // Long forms keep a copy of what is typed in this browser (localStorage), so nothing is
  // lost to an expired session or a closed tab. The copy is dropped once the server has
  // saved the form (the next page carries data-autosave-saved).
  var PREFIX = "nyttig:autosave:";

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "versjon" &&
        el.type !== "file" && el.type !== "submit" && el.type !== "hidden";
    });
  }

  function save(form, key) {
    var data = {};
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    try {
      localStorage.setItem(PREFIX + key, JSON.stringify({ saved: Date.now(), data: data }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }

  function restore(form, key) {
    var raw = null;
    try { raw = localStorage.getItem(PREFIX + key); } catch (e) { return; }
    if (!raw) { return; }
    var stored;
    try { stored = JSON.parse(raw); } catch (e) { return; }
    var changed = false;
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var checked = stored.data[el.name + "=" + el.value];
        if (typeof checked === "boolean" && checked !== el.checked) {
          el.checked = checked;
          changed = true;
        }
      } else if (typeof stored.data[el.name] === "string" && stored.data[el.name] !== el.value) {
        el.value = stored.data[el.name];
        changed = true;
      }
    });
    var notice = form.querySelector("[data-autosave-notice]");
    if (changed && notice) {
      notice.hidden = false;
    }
  }

  function setUpAutosave() {
    document.querySelectorAll("[data-autosave-saved]").forEach(function (el) {
      try { localStorage.removeItem(PREFIX + el.getAttribute("data-autosave-saved")); } catch (e) { /* ignore */ }
    });
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      var key = form.getAttribute("data-autosave");
      // A form that comes back with errors already holds what was typed: keep it.
      if (!form.querySelector("[aria-invalid='true']")) {
        restore(form, key);
      }
      var timer = null;
      form.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { save(form, key); }, 400);
      });
      form.addEventListener("change", function () { save(form, key); });
    });
  }

  // Keep keyboard focus on a control that htmx swapped out and back in (support, follow…).
  // htmx restores focus by id itself, but not when the swap lands after focus has moved
  // to <body> (a slow answer): then we put it back. The id is kept per request (on its
  // XMLHttpRequest), so an earlier request settling late cannot forget a later one's.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    if (event.detail.xhr) {
      event.detail.xhr.nyttigFocusedId =
        active && active !== document.body && active.id ? active.id : null;
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var focusedId = event.detail.xhr && event.detail.xhr.nyttigFocusedId;
    if (!focusedId) { return; }
    var active = document.activeElement;
    if (!active || active === document.body) {
      var again = document.getElementById(focusedId);
      if (again) { again.focus(); }
    }
  });

  // Enter in an initiative picker's search field searches (htmx), instead of submitting the
  // form: without this file, the form's hidden default button sends it, and the server
  // searches because the field holds text (maturity.forms.picker).
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof HTMLElement &&
        target.hasAttribute("data-picker-search") && window.htmx) {
      event.preventDefault();
      window.htmx.trigger(target, "picker-search");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    setUpAutosave();
  });
})();
