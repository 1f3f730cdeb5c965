// A page that confirms a save clears the draft the form kept (see visit_form.js).
document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
  try { localStorage.removeItem("draft:" + el.dataset.clearDraft); } catch (e) { /* off */ }
});
