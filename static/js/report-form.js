/* The weekly report form (task page): shows the percent of the target as the value is typed. */
(function () {
  var form = document.querySelector(".report-form");
  if (!form) { return; }
  var target = parseFloat(form.dataset.target);
  var input = form.querySelector("input[name=value]");
  var output = document.getElementById("percent-preview");
  function update() {
    var value = parseFloat(input.value);
    if (isNaN(value) || value < 0 || !(target > 0)) { output.textContent = "—"; return; }
    output.textContent = String(Math.min(100, Math.round(value * 1000 / target) / 10));
  }
  input.addEventListener("input", update);
  if (input.value !== "") { update(); }
})();
