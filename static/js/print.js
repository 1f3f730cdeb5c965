// Buttons marked data-print print the page (no inline handlers: the CSP forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
