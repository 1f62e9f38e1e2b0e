/* A <details data-fold-narrow="yes"> (the task list's filters) is open on wide screens and
   folded on phones. Loaded synchronously right after it, so it folds before the first paint. */
(function () {
  var script = document.currentScript;
  var fold = script && script.previousElementSibling;
  if (!fold || fold.tagName !== "DETAILS" || !window.matchMedia) return;
  if (fold.dataset.foldNarrow === "yes" && !window.matchMedia("(min-width: 48rem)").matches) {
    fold.open = false;
  }
})();
