// Running Σ % of the formula's bulk while typing (the rule of calc.bulk_total): percentage
// lines by their %, absolute lines by quantity × 100 ÷ batch size, the balance line takes the
// rest; fixed and packaging lines are not in it. Σ must be 100 % to submit or release.
(function () {
  "use strict";
  const badge = document.getElementById("formula-running-total");
  if (!badge) return;
  const okText = badge.dataset.ok, offText = badge.dataset.off;
  const balanceText = badge.dataset.balance, negativeText = badge.dataset.negative;
  function number(input) {
    const value = parseFloat(((input && input.value) || "").replace(/,/g, ""));
    return isNaN(value) ? 0 : value;
  }
  function rows() {
    return Array.from(document.querySelectorAll('select[name$="-mode"]')).map(function (mode) {
      const row = mode.closest("tr");
      return { row: row, mode: mode.value };
    }).filter(function (r) {
      return r.row && !r.row.querySelector('input[name$="-DELETE"]:checked');
    });
  }
  function field(row, name) {
    return row.querySelector('input[name$="-' + name + '"]');
  }
  function totals() {
    const batch = number(document.querySelector("input[data-formula-batch]"));
    let sum = 0, balance = 0;
    rows().forEach(function (r) {
      if (r.mode === "percentage") sum += number(field(r.row, "percentage"));
      else if (r.mode === "absolute" && batch > 0) sum += number(field(r.row, "quantity")) * 100 / batch;
      else if (r.mode === "balance") balance += 1;
      // Only the field of the line's mode is read: dim the other one.
      const pct = field(r.row, "percentage"), qty = field(r.row, "quantity");
      if (pct) pct.disabled = r.mode !== "percentage";
      if (qty) qty.disabled = r.mode === "percentage" || r.mode === "balance";
    });
    return { sum: Math.round(sum * 10000) / 10000, balance: balance };
  }
  function refresh() {
    const t = totals();
    let ok, text;
    if (t.balance === 1) {
      const rest = Math.round((100 - t.sum) * 10000) / 10000;
      ok = rest >= 0;
      text = t.sum + " % · " + (ok ? balanceText + " " + rest + " %" : negativeText);
    } else {
      ok = t.balance === 0 && Math.abs(t.sum - 100) <= 0.001;
      text = t.sum + " % · " + (ok ? okText : offText);
    }
    badge.textContent = text;
    badge.className = "badge text-wrap " + (ok ? "text-bg-success" : "text-bg-warning");
  }
  document.addEventListener("input", refresh);
  document.addEventListener("change", refresh);
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("click", function () { setTimeout(refresh, 0); });
  refresh();
})();
