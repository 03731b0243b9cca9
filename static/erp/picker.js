// Type-ahead pickers (masterdata picker widget): htmx fetches the options while the user
// types; this picks one (click, or arrows + Enter) into the hidden id input. Changing the
// text without picking clears the id, so a half-typed name is never saved as the old record.
(function () {
  "use strict";
  function parts(el) {
    var box = el.closest(".erp-picker");
    return box && {box: box, value: box.querySelector(".erp-picker-value"),
                   input: box.querySelector(".erp-picker-input"),
                   menu: box.querySelector(".erp-picker-menu")};
  }
  function close(p) { p.menu.classList.add("d-none"); p.input.setAttribute("aria-expanded", "false"); }
  // Inside a scrolling line grid the menu is position: fixed (erp.css) so the grid cannot clip
  // it: place it under its input in viewport coordinates each time it opens.
  function place(p) {
    if (!p.box.closest(".table-responsive")) { return; }
    var r = p.input.getBoundingClientRect();
    p.menu.style.top = r.bottom + "px";
    p.menu.style.left = r.left + "px";
    p.menu.style.minWidth = Math.max(r.width, 240) + "px";
  }
  function choose(p, option) {
    p.value.value = option.dataset.value;
    p.input.value = option.dataset.label;
    close(p);
    p.value.dispatchEvent(new Event("change", {bubbles: true}));
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var p = parts(event.detail.target);
    if (!p || event.detail.target !== p.menu) { return; }
    p.menu.classList.toggle("d-none", document.activeElement !== p.input);
    place(p);
    p.input.setAttribute("aria-expanded", "true");
    var first = p.menu.querySelector(".erp-picker-option");
    if (first) { first.classList.add("active"); }
  });
  document.addEventListener("input", function (event) {
    if (!event.target.classList.contains("erp-picker-input")) { return; }
    parts(event.target).value.value = "";
  });
  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest(".erp-picker-option");
    if (!option) { return; }
    event.preventDefault();
    choose(parts(option), option);
  });
  document.addEventListener("keydown", function (event) {
    if (!event.target.classList.contains("erp-picker-input")) { return; }
    var p = parts(event.target);
    var open = !p.menu.classList.contains("d-none");
    var options = Array.prototype.slice.call(p.menu.querySelectorAll(".erp-picker-option"));
    var current = p.menu.querySelector(".erp-picker-option.active");
    var at = options.indexOf(current);
    if (event.key === "Escape") { close(p); return; }
    if ((event.key === "ArrowDown" || event.key === "ArrowUp") && options.length) {
      event.preventDefault();
      var next = options[(at + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length];
      if (current) { current.classList.remove("active"); }
      next.classList.add("active");
      next.scrollIntoView({block: "nearest"});
      return;
    }
    if (event.key === "Enter" && open && current) {
      choose(p, current);  // the lines grid then moves on to the next cell
      if (!event.target.closest(".erp-lines")) { event.preventDefault(); }
    } else if (event.key === "Enter" && !event.target.closest(".erp-lines")) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("focusout", function (event) {
    if (!event.target.classList.contains("erp-picker-input")) { return; }
    var p = parts(event.target);
    setTimeout(function () { close(p); }, 150);
  });
  // A fixed menu would stay behind when the page or a grid scrolls: close open ones instead.
  window.addEventListener("scroll", function (event) {
    var menus = document.querySelectorAll(".table-responsive .erp-picker-menu:not(.d-none)");
    Array.prototype.forEach.call(menus, function (menu) {
      if (!menu.contains(event.target)) { close(parts(menu)); }
    });
  }, true);
})();
