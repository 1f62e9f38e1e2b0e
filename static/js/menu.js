/* The site menu (templates/base.html): open on wide screens, closed on phones until tapped;
   Escape closes it on phones. Loaded synchronously right after the menu, so it runs before
   the first paint. */
(function () {
  var menu = document.getElementById("site-menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 48rem)");  /* the breakpoint in css/site.css */
  var fit = function () { menu.open = wide.matches; };
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);
  else if (wide.addListener) wide.addListener(fit);
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
