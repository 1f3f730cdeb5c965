/* The navigation on a phone (templates/base.html, accounts/menus.py): a 菜单 button that opens
   and closes the menu; on a wide screen the menu is always shown and the button hidden (CSS).
   Without JavaScript the button stays hidden and the menu shows, wrapped. */
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  button.hidden = false;
  menu.classList.add("collapsible");
  function set(open) {
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("open", open);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();
