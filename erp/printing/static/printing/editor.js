// Line numbers beside the template textarea ([data-code-editor]), kept in step while typing
// and scrolling; the line a check names (data-error-line) is marked and selected.
(function () {
  "use strict";
  function setup(area) {
    var gutter = area.parentElement.querySelector(".erp-code-gutter");
    if (!gutter) { return; }
    function errorLine() {
      var alert = document.querySelector("[data-error-line]");
      var n = alert ? parseInt(alert.getAttribute("data-error-line"), 10) : 0;
      return isNaN(n) ? 0 : n;
    }
    function draw() {
      var count = area.value.split("\n").length, bad = errorLine(), parts = [];
      for (var i = 1; i <= count; i++) { parts.push(i === bad ? '<span class="err">' + i + "</span>" : String(i)); }
      gutter.innerHTML = parts.join("\n");
      gutter.style.height = area.offsetHeight + "px";
      gutter.scrollTop = area.scrollTop;
    }
    function select(line) {
      var lines = area.value.split("\n"), start = 0;
      for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
      area.focus();
      area.setSelectionRange(start, start + (lines[line - 1] || "").length);
    }
    area.addEventListener("input", draw);
    area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
    document.body.addEventListener("htmx:afterSwap", function () {
      draw();
      var n = errorLine();
      if (n && document.activeElement !== area) { select(n); }  // never move a typing cursor
    });
    draw();
  }
  document.querySelectorAll("textarea[data-code-editor]").forEach(setup);
})();
