// The cadre and firm pickers (templates/pairing/_picker.html): typing in a picker's search box
// asks its URL for matching rows; tapping a row writes its value into the picker's field, or
// adds it as a new line when the field holds a list. Delegated from the document, so rows the
// campaign form adds later work too.
(function () {
  "use strict";
  var timers = new WeakMap();

  function field(picker) {
    return picker.querySelector("input:not(.picker-q), textarea");
  }

  function search(box) {
    var picker = box.closest(".picker");
    var list = picker.querySelector(".picker-results");
    var q = box.value.trim();
    if (!q) {
      list.innerHTML = "";
      return;
    }
    var url = picker.dataset.pickerUrl + "?q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (box.value.trim() === q) list.innerHTML = html;
      });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("picker-q")) return;
    clearTimeout(timers.get(box));
    timers.set(box, setTimeout(function () { search(box); }, 250));
  });

  document.addEventListener("keydown", function (event) {
    // Enter in the search box searches; it must not submit the whole form.
    if (event.key === "Enter" && event.target.classList && event.target.classList.contains("picker-q")) {
      event.preventDefault();
      search(event.target);
    }
  });

  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest(".picker-option");
    if (!option) return;
    var picker = option.closest(".picker");
    var target = field(picker);
    var value = option.dataset.value;
    if (picker.dataset.pickerMode === "append") {
      var lines = target.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      if (lines.indexOf(value) === -1) lines.push(value);
      target.value = lines.join("\n");
    } else {
      target.value = value;
    }
    target.dispatchEvent(new Event("change", { bubbles: true }));
    picker.querySelector(".picker-results").innerHTML = "";
    var box = picker.querySelector(".picker-q");
    box.value = "";
    option.blur();
  });
})();
