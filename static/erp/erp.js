// Project-wide behaviour; keep small.
(function () {
  "use strict";
  var STORE = "erp.nav.collapsed";

  function collapsedSections() {
    try { return JSON.parse(localStorage.getItem(STORE) || "[]"); } catch (e) { return []; }
  }

  function saveCollapsed(list) {
    try { localStorage.setItem(STORE, JSON.stringify(list)); } catch (e) { /* private mode */ }
  }

  // Sidebar sections remember being folded; the section holding the current page stays open.
  function initSidebar() {
    var folded = collapsedSections();
    document.querySelectorAll(".erp-nav-section").forEach(function (section) {
      var code = section.dataset.section;
      var body = section.querySelector(".collapse");
      var head = section.querySelector(".erp-nav-head");
      if (folded.indexOf(code) >= 0 && !section.querySelector(".active")) {
        body.classList.remove("show");
        head.setAttribute("aria-expanded", "false");
        head.classList.add("collapsed");
      }
      body.addEventListener("hidden.bs.collapse", function () {
        var list = collapsedSections().filter(function (c) { return c !== code; });
        list.push(code);
        saveCollapsed(list);
      });
      body.addEventListener("shown.bs.collapse", function () {
        saveCollapsed(collapsedSections().filter(function (c) { return c !== code; }));
      });
    });
  }

  // Django messages arrive as Bootstrap toasts (also in htmx responses, swapped out of band).
  function showToasts(root) {
    if (!window.bootstrap) { return; }
    (root || document).querySelectorAll(".erp-toast:not(.showing):not(.show)").forEach(function (el) {
      bootstrap.Toast.getOrCreateInstance(el).show();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initSidebar();
    showToasts(document);
  });
  document.addEventListener("htmx:load", function (event) { showToasts(event.target); });
})();
