// Buttons marked data-print print the page (交办单, 会议纪要, the service diary): no inline handlers under the CSP.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
