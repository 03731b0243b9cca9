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

  // Behaviour declared in markup by data attributes: the Content-Security-Policy allows no
  // inline script, so no onclick=/onsubmit= attributes. Capture phase, so a refused confirm
  // stops the event before htmx or the browser acts on it.
  //   <form data-confirm="…"> / <button data-confirm="…">  asks first, cancels on "no"
  //   <select data-autosubmit>                               submits its form on change
  //   <input type="checkbox" data-select-all=".erp-row-check">  ticks every matching box
  //   <input data-select-on-focus>                           selects its text on focus
  //   <a data-history-back>                                  goes back one page
  //   <form data-busy="#note">                               on submit shows #note, disables its buttons
  function confirmed(el, event) {
    if (el && el.dataset.confirm && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
      return false;
    }
    return true;
  }
  document.addEventListener("submit", function (event) {
    confirmed(event.target.closest("form[data-confirm]"), event);
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    if (!confirmed(target.closest("button[data-confirm], a[data-confirm]"), event)) { return; }
    var all = target.closest("input[data-select-all]");
    if (all) {
      document.querySelectorAll(all.dataset.selectAll).forEach(function (box) { box.checked = all.checked; });
    }
    if (target.closest("[data-history-back]")) {
      event.preventDefault();
      window.history.back();
    }
  }, true);
  // A long synchronous request (an import's check or apply): say it is working and stop a
  // second click from sending the file twice. Bubble phase: a refused confirm came first.
  document.addEventListener("submit", function (event) {
    var form = event.target instanceof Element ? event.target.closest("form[data-busy]") : null;
    if (!form || event.defaultPrevented) { return; }
    var note = document.querySelector(form.dataset.busy);
    if (note) { note.classList.remove("d-none"); }
    window.setTimeout(function () {  // after the browser has taken the form's data
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }  // back to a page kept in memory: ready again
    document.querySelectorAll("form[data-busy]").forEach(function (form) {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
      var note = document.querySelector(form.dataset.busy);
      if (note) { note.classList.add("d-none"); }
    });
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof Element && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  });
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el instanceof Element && el.matches("input[data-select-on-focus]")) { el.select(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    initSidebar();
    showToasts(document);
  });
  document.addEventListener("htmx:load", function (event) { showToasts(event.target); });
})();
