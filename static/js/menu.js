/* The site menu (templates/base.html, nav.html): open on wide screens, closed on phones until
   tapped; Escape closes it on phones. Loaded synchronously right after the menu, so it runs
   before the first paint.

   Its groups are <details> that work on their own (click, tap, Enter, Space); this adds:
   one group open at a time; Escape closes the open group (its button keeps the focus); a
   click elsewhere closes it on a wide screen; on a phone the current page's group is open
   when 菜单 opens. */
(function () {
  var menu = document.getElementById("site-menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48rem)");  /* the breakpoint in css/site.css */
  var groups = Array.prototype.slice.call(menu.querySelectorAll("details[data-nav-group]"));
  var fit = function () {
    menu.open = wide.matches;
    groups.forEach(function (group) {
      group.open = !wide.matches && group.parentNode.classList.contains("is-current");
    });
  };
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
  else if (wide.addListener) wide.addListener(fit);
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  menu.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = event.target.closest ? event.target.closest("details[data-nav-group]") : null;
    if (open && open.open && wide.matches) {
      open.open = false;
      open.querySelector("summary").focus();
    } else if (menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!wide.matches) return;
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target)) group.open = false;
    });
  });
})();
