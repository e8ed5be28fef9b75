/* Equity Tool: small enhancements on top of htmx. Every page works without this file.
 *
 * 1. Autosave state. The step form carries data-autosave="pending|saving|saved|failed", so
 *    "Save and continue" can wait for a save already on its way (otherwise that save would
 *    move the revision on and the full save would be refused as stale), and tests can wait
 *    for "saved" instead of sleeping.
 * 2. Error summary links focus their field and scroll its label or legend into view, as the
 *    GOV.UK Design System does (a bare #fragment link leaves the question out of sight); a
 *    "Change" link from check answers lands on its question the same way.
 * 3. Table rows added or removed in place: focus goes to the new row's first field, or to the
 *    table's "Add a row" button, instead of being lost with the button that was swapped out.
 */
(function () {
  "use strict";

  var FORM_ID = "section-form";
  var changes = 0;     // edits seen in the step form
  var sentAt = -1;     // the value of `changes` when the last request left
  var inFlight = 0;    // requests on their way
  var submitting = false;

  function form() { return document.getElementById(FORM_ID); }

  function setState(state) {
    var f = form();
    if (f) { f.setAttribute("data-autosave", state); }
  }

  function fromForm(elt) { return elt && elt.closest && elt.closest("#" + FORM_ID); }

  function edited(event) {
    if (!fromForm(event.target)) { return; }
    changes += 1;
    if (!inFlight) { setState("pending"); }
  }
  document.addEventListener("input", edited, true);
  document.addEventListener("change", edited, true);

  // A full-page submit sends every field itself, so the autosaves still waiting are dropped.
  document.addEventListener("htmx:confirm", function (event) {
    if (submitting && fromForm(event.detail.elt)) { event.preventDefault(); }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!fromForm(event.detail.elt)) { return; }
    inFlight += 1;
    sentAt = changes;
    setState("saving");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!fromForm(event.detail.elt) && !fromForm(event.target)) { return; }
    inFlight = Math.max(0, inFlight - 1);
    var ok = event.detail.successful && event.detail.xhr && event.detail.xhr.status < 400;
    // When the element that asked has been swapped out, htmx tells its old parent instead.
    var asked = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    if (ok) { focusAfterRowChange(asked); syncRequired(); }
    if (inFlight) { return; }
    setState(!ok ? "failed" : changes > sentAt ? "pending" : "saved");
    if (waiting) {
      var submitter = waiting;
      waiting = null;
      // Let htmx finish swapping in the new revision before the form is read again.
      window.setTimeout(function () { submitNow(submitter); }, 0);
    }
  });

  // An autosave redraws a label alone when the question became required or optional: bring
  // its control's aria-required along (radio groups say it in their legend only).
  function syncRequired() {
    var labels = document.querySelectorAll("[id$='-label'][data-required]");
    Array.prototype.forEach.call(labels, function (label) {
      var control = document.getElementById(label.id.slice(0, -"-label".length));
      if (!control || !/^(INPUT|TEXTAREA|SELECT)$/.test(control.tagName)) { return; }
      if (label.getAttribute("data-required") === "true") {
        control.setAttribute("aria-required", "true");
      } else {
        control.removeAttribute("aria-required");
      }
    });
  }

  var waiting = null;
  function submitNow(submitter) {
    var f = form();
    submitting = true;
    if (f.requestSubmit) { f.requestSubmit(submitter); } else { submitter.click(); }
  }

  document.addEventListener("submit", function (event) {
    if (event.target.id !== FORM_ID || event.defaultPrevented) { return; }
    if (inFlight) {
      event.preventDefault();
      waiting = event.submitter || event.target.querySelector("button[type=submit]");
      return;
    }
    submitting = true;
  });

  // Back/forward cache: a page restored after a submit must autosave again.
  window.addEventListener("pageshow", function () { submitting = false; });

  // 2. Error summary links, and "Change" links from check answers (which arrive as #q-…).
  function focusQuestion(id) {
    var target = id && document.getElementById(id);
    if (!target) { return false; }
    var fieldset = target.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = document.querySelector("label[for='" + target.id + "']");
    (legend || label || target).scrollIntoView();
    target.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (link && focusQuestion(link.getAttribute("href").slice(1))) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (form() && !document.querySelector(".error-summary") && /^#q-/.test(location.hash)) {
      focusQuestion(decodeURIComponent(location.hash.slice(1)));
    }
  });

  // 3. Focus after a table changed in place (the button that was pressed has been replaced).
  function focusAfterRowChange(button) {
    var action = button && button.getAttribute && button.getAttribute("value");
    if (!action || !/^(add|remove)-row--/.test(action)) { return; }
    var table = action.split("--")[1];
    var group = document.getElementById("q-" + table);
    if (!group) { return; }
    var focus = null;
    if (action.indexOf("add-row") === 0) {
      var rows = group.querySelectorAll("tbody tr");
      var last = rows[rows.length - 1];
      focus = last && last.querySelector("input, select, textarea");
    }
    focus = focus || group.querySelector("button[value='add-row--" + table + "']");
    if (focus) { focus.focus(); }
  }
}());
