/* Equity Tool: the questionnaire editor and its preview. Every page works without this file.
 *
 * 1. The line numbers beside the text box follow the text as it is typed, and the box grows
 *    with it (so the numbers and the lines stay side by side); each line with a problem is
 *    marked, from the list of problems htmx brings back as you type.
 * 2. A problem's "Line L, column C" link puts the cursor in the text box at that place.
 * 3. In the preview, questions show and hide as the sample answers change (htmx brings back
 *    which are hidden, without redrawing the fields being answered).
 * Tab is left alone: it moves to the next control, so the text box never traps the keyboard.
 */
(function () {
  "use strict";

  function source() { return document.getElementById("source"); }

  function lineCount(text) { return text.split("\n").length; }

  function marks() {
    var found = {};
    var items = document.querySelectorAll("#problem-list li[data-line]");
    Array.prototype.forEach.call(items, function (item) {
      var line = item.getAttribute("data-line");
      var error = item.classList.contains("problem--error");
      if (found[line] !== "error") { found[line] = error ? "error" : "warning"; }
    });
    return found;
  }

  function drawGutter() {
    var text = source(), gutter = document.getElementById("source-gutter");
    if (!text || !gutter) { return; }
    var lines = lineCount(text.value), found = marks(), html = [];
    for (var n = 1; n <= lines; n += 1) {
      var kind = found[String(n)];
      html.push('<span class="code-editor__number' + (kind ? " code-editor__number--" + kind : "") +
                '">' + n + "</span>");
    }
    gutter.innerHTML = html.join("");
    text.rows = lines + 1;
  }

  function offsetOf(text, line, column) {
    var lines = text.split("\n"), offset = 0;
    line = Math.max(1, Math.min(line, lines.length));
    for (var i = 0; i < line - 1; i += 1) { offset += lines[i].length + 1; }
    return offset + Math.max(0, Math.min(column - 1, lines[line - 1].length));
  }

  function goTo(line, column) {
    var text = source();
    var at = offsetOf(text.value, line, column);
    text.focus({ preventScroll: true });
    text.setSelectionRange(at, at);
    // The box is as tall as its text: scroll the page to the line, not to the box's top.
    var height = parseFloat(getComputedStyle(text).lineHeight) || 24;
    var top = text.getBoundingClientRect().top + window.scrollY + (line - 1) * height;
    window.scrollTo({ top: Math.max(0, top - window.innerHeight / 3) });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".problem__link");
    if (!link || link.getAttribute("href") !== "#source" || !source()) { return; }
    event.preventDefault();
    goTo(Number(link.getAttribute("data-line")), Number(link.getAttribute("data-column")));
  });

  var drawnLines = 0;
  document.addEventListener("input", function (event) {
    if (event.target !== source()) { return; }
    var lines = lineCount(source().value);
    if (lines !== drawnLines) { drawnLines = lines; drawGutter(); }
  });

  function showHidden() {
    var state = document.getElementById("preview-visibility");
    var form = document.getElementById("preview-form");
    if (!state || !form) { return; }
    var hidden = (state.getAttribute("data-hidden") || "").split(" ");
    Array.prototype.forEach.call(form.querySelectorAll(".question[id^='question-']"), function (q) {
      q.hidden = hidden.indexOf(q.id.slice("question-".length)) !== -1;
    });
  }

  // The same answer as last time (the text changed, its problems did not) is not swapped in,
  // so a screen reader is not told "No problems." again at every pause in typing.
  var lastCheck = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "check-status") { return; }
    if (event.detail.serverResponse === lastCheck) { event.detail.shouldSwap = false; }
    lastCheck = event.detail.serverResponse;
  });

  function afterSwap() { drawGutter(); showHidden(); }
  document.addEventListener("htmx:afterSettle", afterSwap);
  document.addEventListener("htmx:oobAfterSwap", afterSwap);
  document.addEventListener("DOMContentLoaded", function () {
    if (source()) { drawnLines = lineCount(source().value); }
  });
})();
