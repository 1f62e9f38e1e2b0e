/* Searchable pickers (accountability/records/pickers.py): a search box in front of each
   <select data-picker="URL">. Typing asks URL?q=… (URL&q=… when URL has a query: the
   annual report's ?role=…) for at most 20 matches among what the
   user may see; choosing one selects it in the select, which the form submits as before.
   Without this script the select works on its own. */
(function () {
  "use strict";
  var DELAY = 250;

  function enhance(select) {
    var url = select.dataset.picker;
    var wrap = document.createElement("div");
    wrap.className = "picker";
    var input = document.createElement("input");
    input.type = "search";
    input.autocomplete = "off";
    input.className = "picker-input";
    input.id = select.id + "_search";
    input.placeholder = select.dataset.pickerPlaceholder || "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.className = "picker-results";
    list.id = select.id + "_results";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var status = document.createElement("div");
    status.className = "picker-status muted";
    status.setAttribute("aria-live", "polite");

    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label) { label.htmlFor = input.id; }
    var current = select.options[select.selectedIndex];
    if (current && current.value) { input.value = current.text; }
    select.hidden = true;
    select.tabIndex = -1;
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    select.parentNode.insertBefore(wrap, select.nextSibling);

    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function choose(id, text) {
      var value = String(id);
      var option = null;
      for (var i = 0; i < select.options.length; i++) {
        if (select.options[i].value === value) { option = select.options[i]; }
      }
      if (!option) { select.add(new Option(text, value)); }
      select.value = value;
      input.value = text;
      status.textContent = "";
      close();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(data) {
      list.textContent = "";
      data.results.forEach(function (row) {
        var item = document.createElement("li");
        item.setAttribute("role", "option");
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = row.label;
        button.addEventListener("click", function () { choose(row.id, row.label); });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (!data.results.length) {
        status.textContent = select.dataset.pickerNone || "";
      } else {
        status.textContent = data.more ? select.dataset.pickerMore || "" : "";
      }
      list.hidden = !data.results.length;
      input.setAttribute("aria-expanded", String(!list.hidden));
    }

    input.addEventListener("input", function () {
      select.value = ""; // typed text is no choice until a match is picked
      var query = input.value.trim();
      clearTimeout(timer);
      if (!query) { close(); status.textContent = ""; return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" }
        })
          .then(function (response) { return response.ok ? response.json() : { results: [], more: false }; })
          .then(function (data) { if (mine === asked) { show(data); } })
          .catch(function () { status.textContent = select.dataset.pickerFailed || ""; });
      }, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); }
      if (event.key === "ArrowDown" && !list.hidden) {
        event.preventDefault();
        list.querySelector("button").focus();
      }
    });
    list.addEventListener("keydown", function (event) {
      var item = event.target.closest("li");
      if (!item) { return; }
      var next = event.key === "ArrowDown" ? item.nextElementSibling : event.key === "ArrowUp" ? item.previousElementSibling : null;
      if (next) { event.preventDefault(); next.querySelector("button").focus(); }
      if (event.key === "Escape") { close(); input.focus(); }
    });
  }

  var selects = document.querySelectorAll("select[data-picker]");
  for (var i = 0; i < selects.length; i++) { enhance(selects[i]); }
})();
