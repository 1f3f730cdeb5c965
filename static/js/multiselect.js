/* Searchable multi-selects (accounts/widgets.py SearchableSelectMultiple): a <select multiple
   data-multiselect> becomes a Tom Select box — type a unit's name or its pinyin initials, tap to
   add, × to remove. The library (vendored) is fetched only on pages that have such a box; without
   JavaScript the plain select stays. */
(function () {
  "use strict";
  var boxes = document.querySelectorAll("select[multiple][data-multiselect]");
  if (!boxes.length) return;
  var first = boxes[0];
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = first.dataset.stylesheet;
  document.head.appendChild(css);
  var script = document.createElement("script");
  script.src = first.dataset.library;
  script.onload = function () {
    boxes.forEach(function (select) {
      var noResults = select.dataset.noResults;
      new window.TomSelect(select, {
        plugins: { remove_button: { title: select.dataset.remove } },
        placeholder: select.dataset.placeholder,
        searchField: ["text", "pinyin"],
        maxOptions: null,
        closeAfterSelect: false,
        hidePlaceholder: true,
        // A unit found and added: clear what was typed, ready for the next one.
        onItemAdd: function () {
          this.setTextboxValue("");
          this.refreshOptions(false);
        },
        render: {
          no_results: function () {
            var div = document.createElement("div");
            div.className = "no-results";
            div.textContent = noResults;
            return div;
          }
        }
      });
      // Tom Select points the label at its own box; the select it keeps (hidden, for the form)
      // must not be read out a second time, unlabelled.
      select.setAttribute("aria-hidden", "true");
    });
  };
  document.head.appendChild(script);
})();
