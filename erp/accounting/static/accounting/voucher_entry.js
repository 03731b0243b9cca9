// Voucher entry: live totals, auxiliary selects per account, keyboard flow. Display only:
// the server checks every amount again (Decimal, 2 places, Σdebit = Σcredit).
(function () {
  const form = document.getElementById("erp-voucher-form");
  if (!form) return;
  const body = document.getElementById("erp-vbody");
  const cents = (text) => {
    const m = String(text || "").replace(/,/g, "").trim().match(/^(-?)(\d*)(?:\.(\d{0,2}))?$/);
    if (!m || (m[2] === "" && !m[3])) return 0;
    return (m[1] ? -1 : 1) * (parseInt(m[2] || "0", 10) * 100 + parseInt((m[3] || "0").padEnd(2, "0"), 10));
  };
  const show = (c) => (c < 0 ? "-" : "") + Math.floor(Math.abs(c) / 100).toLocaleString("en") + "." + String(Math.abs(c) % 100).padStart(2, "0");
  function totals() {
    let d = 0, c = 0;
    body.querySelectorAll(".erp-vdebit").forEach((i) => (d += cents(i.value)));
    body.querySelectorAll(".erp-vcredit").forEach((i) => (c += cents(i.value)));
    document.getElementById("erp-vtd").textContent = show(d);
    document.getElementById("erp-vtc").textContent = show(c);
    document.getElementById("erp-vdiff").textContent = d === c ? "" : "≠ " + show(d - c);
    return d - c;
  }
  function number() {
    body.querySelectorAll(".erp-vline").forEach((tr, i) => (tr.querySelector(".erp-vline-no").textContent = i + 1));
  }
  function aux(tr) {
    const opt = tr.querySelector(".erp-vaccount").selectedOptions[0];
    const needed = ((opt && opt.dataset.aux) || "").split(",");
    tr.querySelectorAll("[data-aux-name]").forEach((s) => {
      const on = needed.includes(s.dataset.auxName);
      s.classList.toggle("d-none", !on);
      s.required = on;
      if (!on) s.value = "";
    });
  }
  function fields() {
    return Array.from(form.querySelectorAll("input, select")).filter((e) => e.type !== "hidden" && !e.classList.contains("d-none") && !e.disabled);
  }
  form.addEventListener("input", totals);
  form.addEventListener("change", (e) => {
    if (e.target.classList.contains("erp-vaccount")) aux(e.target.closest("tr"));
  });
  form.addEventListener("click", (e) => {
    const btn = e.target.closest(".erp-vremove");
    if (btn && body.children.length > 2) { btn.closest("tr").remove(); number(); totals(); }
  });
  // Ctrl+S (⌘S) saves the draft wherever the focus is: a field, a button, the menu, the page.
  // The browser's "save page" never opens here. Rows without account and amount are ignored
  // by the server, so a fresh empty row at the end does not stop the save.
  document.addEventListener("keydown", (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || (e.key || "").toLowerCase() !== "s") return;
    e.preventDefault();
    form.querySelector("button[type=submit]:not([name])").click();
  });
  const filled = (tr) => tr.querySelector(".erp-vaccount").value || cents(tr.querySelector(".erp-vdebit").value) || cents(tr.querySelector(".erp-vcredit").value);
  form.addEventListener("keydown", (e) => {
    const t = e.target;
    if ((e.ctrlKey || e.metaKey) && (e.key || "").toLowerCase() === "s") return;
    if (e.key === "=" && (t.classList.contains("erp-vdebit") || t.classList.contains("erp-vcredit"))) {
      e.preventDefault();
      t.value = "";
      const diff = totals();
      const want = t.classList.contains("erp-vcredit") ? diff : -diff;
      if (want !== 0) t.value = show(want).replace(/,/g, "");
      totals();
      return;
    }
    if (e.key === "Enter" && t.tagName !== "BUTTON") {
      e.preventDefault();
      const list = fields();
      const i = list.indexOf(t);
      const lastRow = t.closest("tr") === body.lastElementChild;
      if (lastRow && t.classList.contains("erp-vcredit")) {
        // An empty last row: nothing to add, the next stop is 保存.
        if (!filled(t.closest("tr"))) { form.querySelector("button[type=submit]").focus(); return; }
        document.getElementById("erp-vadd").click();
        document.body.addEventListener("htmx:afterSwap", () => body.lastElementChild.querySelector("input").focus(), { once: true });
        return;
      }
      if (i >= 0 && i + 1 < list.length) list[i + 1].focus();
    }
  });
  // Carry the summary down: an empty summary takes the one above when entered.
  form.addEventListener("focusin", (e) => {
    const t = e.target;
    if (t.name === "summary" && !t.value) {
      const prev = t.closest("tr").previousElementSibling;
      if (prev) t.value = prev.querySelector("[name=summary]").value;
    }
  });
  document.body.addEventListener("htmx:afterSwap", () => { number(); body.querySelectorAll(".erp-vline").forEach(aux); });
  body.querySelectorAll(".erp-vline").forEach(aux);
  number();
  totals();
  const first = body.querySelector("[name=summary]");
  if (first && !document.querySelector(".alert-danger")) first.focus();
})();
