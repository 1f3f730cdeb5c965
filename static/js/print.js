// A "打印" button on the printable sheets (交办单, 会议纪要): no inline handlers under the CSP.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
