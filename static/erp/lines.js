// Inline line sets (several per form): add a row through htmx (the server renders it with the
// next form index), copy a row (fetch a fresh row, then copy the values except the line id),
// delete marks the row for deletion and hides it, Enter moves to the next cell.
(function () {
  "use strict";
  function setUp(table) {
    var prefix = table.dataset.prefix;
    var section = table.closest(".erp-line-set");
    var body = table.querySelector(".erp-lines-body");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var addButton = section.querySelector(".erp-line-add");

    function renumber() {
      var n = 0;
      table.querySelectorAll("tr.erp-line").forEach(function (row) {
        if (row.classList.contains("d-none")) { return; }
        n += 1;
        row.querySelector(".erp-line-no").textContent = n;
      });
    }
    function lastRow() {
      var rows = table.querySelectorAll("tr.erp-line");
      return rows[rows.length - 1];
    }
    function field(row, el) {
      // "contacts-3-name" → "name": the same field in another row.
      return el.name.slice(el.name.indexOf("-", prefix.length + 1) + 1);
    }
    function copyValues(from, to) {
      from.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (src) {
        var name = field(from, src);
        if (name === "id" || name === "DELETE" || src.getAttribute("form")) { return; }
        var dst = Array.prototype.find.call(to.querySelectorAll("[name]"), function (el) {
          return !el.getAttribute("form") && field(to, el) === name;
        });
        if (!dst) { return; }
        if (src.type === "checkbox") { dst.checked = src.checked; } else { dst.value = src.value; }
      });
      // Picker texts have no name of their own: copy them by position.
      var texts = to.querySelectorAll(".erp-picker-input");
      from.querySelectorAll(".erp-picker-input").forEach(function (src, i) {
        if (texts[i]) { texts[i].value = src.value; }
      });
    }

    addButton.addEventListener("htmx:configRequest", function (event) {
      event.detail.parameters.index = total.value;
    });
    body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== body) { return; }  // a picker's options, not a new row
      total.value = String(parseInt(total.value, 10) + 1);
      renumber();
      var first = lastRow().querySelector("input:not([type=hidden]), select");
      if (first) { first.focus(); }
    });
    table.addEventListener("click", function (event) {
      var copy = event.target.closest(".erp-line-copy");
      if (copy) {
        var source = copy.closest("tr");
        var url = addButton.dataset.rowUrl + "?index=" + encodeURIComponent(total.value);
        fetch(url, {credentials: "same-origin"}).then(function (r) {
          if (!r.ok) { throw new Error(r.status); }
          return r.text();
        }).then(function (html) {
          var holder = document.createElement("tbody");
          holder.innerHTML = html;
          var row = holder.querySelector("tr.erp-line");
          source.parentNode.insertBefore(row, source.nextSibling);
          copyValues(source, row);
          if (window.htmx) { window.htmx.process(row); }
          total.value = String(parseInt(total.value, 10) + 1);
          renumber();
          var first = row.querySelector("input:not([type=hidden]), select");
          if (first) { first.focus(); }
        });
        return;
      }
      var button = event.target.closest(".erp-line-delete");
      if (!button) { return; }
      var row = button.closest("tr");
      var flag = row.querySelector(".erp-line-delete-flag");
      if (flag) { flag.checked = true; }
      row.classList.add("d-none");
      var errors = row.nextElementSibling;
      if (errors && errors.classList.contains("erp-line-errors")) { errors.classList.add("d-none"); }
      renumber();
    });
    table.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.target.tagName === "BUTTON" || event.defaultPrevented) { return; }
      event.preventDefault();
      var cells = Array.prototype.filter.call(
        table.querySelectorAll("tr.erp-line:not(.d-none) input:not([type=hidden]):not(.d-none), tr.erp-line:not(.d-none) select"),
        function (el) { return !el.disabled; });
      var next = cells[cells.indexOf(event.target) + 1];
      if (next) { next.focus(); } else { addButton.click(); }
    });
    renumber();
  }
  document.querySelectorAll(".erp-lines").forEach(setUp);
})();
