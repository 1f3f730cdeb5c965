// A <select data-submit-on-change> submits its form when chosen (the language switch): an inline
// onchange= handler would be refused by the Content-Security-Policy.
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-submit-on-change]")) event.target.form.submit();
});
