// Running total of the formula's percentages while typing: Σ must be 100 % to release.
(function () {
  "use strict";
  const badge = document.getElementById("formula-running-total");
  if (!badge) return;
  const okText = badge.dataset.ok, offText = badge.dataset.off;
  function total() {
    let sum = 0;
    document.querySelectorAll('input[name$="-percentage"]').forEach(function (input) {
      const row = input.closest("tr");
      const deleted = row && row.querySelector('input[name$="-DELETE"]:checked');
      const value = parseFloat((input.value || "").replace(/,/g, ""));
      if (!deleted && !isNaN(value)) sum += value;
    });
    return Math.round(sum * 10000) / 10000;
  }
  function refresh() {
    const sum = total();
    const ok = Math.abs(sum - 100) < 0.00005;
    badge.textContent = sum + " % · " + (ok ? okText : offText);
    badge.className = "badge " + (ok ? "text-bg-success" : "text-bg-warning");
  }
  document.addEventListener("input", refresh);
  document.addEventListener("htmx:afterSwap", refresh);
  document.addEventListener("click", function () { setTimeout(refresh, 0); });
  refresh();
})();
