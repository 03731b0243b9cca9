// Results page: instant pass/fail while typing a measured value; the service judges again on
// saving, so this only helps the inspector see an out-of-limits value before submitting.
document.querySelectorAll(".qc-card[data-kind=numeric]").forEach(function (card) {
  var input = card.querySelector(".qc-value");
  if (!input) return;
  input.addEventListener("input", function () {
    var v = parseFloat(input.value);
    var lo = parseFloat(card.dataset.lower);
    var hi = parseFloat(card.dataset.upper);
    card.classList.remove("pass", "fail");
    if (isNaN(v)) return;
    var ok = (isNaN(lo) || v >= lo) && (isNaN(hi) || v <= hi);
    card.classList.add(ok ? "pass" : "fail");
  });
});
