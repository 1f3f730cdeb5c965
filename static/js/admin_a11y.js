// Django admin: names for the widgets its scripts draw without one (found by axe-core). Its
// scripts draw them when jQuery is ready, which may come after this script or the load event:
// the names are given whenever the page's elements change.
(function () {
  "use strict";
  function name() {
    // Autocomplete (select2): the combobox is named by its selection alone, empty when none.
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var rendered = document.getElementById("select2-" + select.id + "-container");
      if (!label || !rendered || rendered.hasAttribute("aria-labelledby")) return;
      label.id = label.id || select.id + "-label";
      rendered.setAttribute("aria-labelledby", label.id);
      var box = rendered.closest("[role=combobox]");
      if (box) box.setAttribute("aria-labelledby", label.id + " " + rendered.id);
    });
    // The two-list selector's search icons carry an aria-label, which a plain span may not.
    document.querySelectorAll(".selector .search-label-icon[aria-label]:not([role])").forEach(
      function (icon) { icon.setAttribute("role", "img"); }
    );
  }
  name();
  new MutationObserver(name).observe(document.body, { childList: true, subtree: true });
})();
