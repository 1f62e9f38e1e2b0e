/* The weekly report form of the task page. Plain JavaScript, no dependencies; without it the
   form still works (the server checks everything again).

   - The percent of the target as the value is typed; over the target, a warning and the
     确认超过目标 box (the server refuses a value over the target without it).
   - After a refused save, the summary at the top says what was refused, and the first
     refused field is focused (scrolled to when it is not on the screen).
   - Evidence files are checked before the upload (type, size, how many), with the server's
     limits and messages (the data-* attributes of the file input, from forms.ReportForm).
   - The form is sent with fetch. When that fails because there is no signal, the values are
     kept in this browser (localStorage, by user, task and week), shown as 未发送, and sent
     again when the connection returns (the "online" event, or the next visit of the page);
     the page then shows the server's confirmation, and the copy is dropped. A copy whose
     week ended before it could be sent is said to be for that week, and is sent all the
     same: the server keeps past weeks read-only and answers with the values in this week's
     form and the reason, for the secretary to check and submit (tasks/views.py). A kept copy
     the server refused (that closed week, a value over the target not confirmed…) is kept
     as this week's form until a submit is saved, so leaving the page does not lose it; it
     is shown again on the next visit and never sent by itself. */
(function () {
  "use strict";

  var sending = false;

  function reportForm() {
    return document.querySelector(".report-form");
  }

  function field(form, name) {
    return form.querySelector("[name=" + name + "]");
  }

  // ---- percent and the confirmation over the target ----------------------------------

  function updatePercent(form) {
    var target = parseFloat(form.dataset.target);
    var value = parseFloat(field(form, "value").value);
    var output = document.getElementById("percent-preview");
    var box = document.getElementById("confirm-over");
    var warning = document.getElementById("over-warning");
    if (isNaN(value) || value < 0 || !(target > 0)) {
      output.textContent = "—";
      return;
    }
    output.textContent = String(Math.min(100, Math.round(value * 1000 / target) / 10));
    var over = value > target;
    if (box) {
      if (over) { box.hidden = false; }
      else if (!box.querySelector(".errorlist")) { box.hidden = true; }
    }
    if (warning) {  // not twice: after a refusal the server's message says it
      warning.textContent = form.dataset.overMessage;
      warning.hidden = !over || !!(box && box.querySelector(".errorlist"));
    }
  }

  // ---- refused fields ----------------------------------------------------------------

  function onScreen(element) {
    var box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= (window.innerHeight || document.documentElement.clientHeight);
  }

  function focusField(target) {
    var wrapper = target.closest(".field") || target;
    target.focus({ preventScroll: true });
    if (!onScreen(wrapper)) { wrapper.scrollIntoView({ block: "center" }); }
  }

  function showRefused() {
    var summary = document.getElementById("error-summary");
    if (!summary) { return; }
    var links = summary.querySelectorAll("a[href^='#']");
    Array.prototype.forEach.call(links, function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.hash.slice(1));
        if (target && target.matches("input, textarea, select")) {
          event.preventDefault();
          focusField(target);
        }
      });
    });
    var first = summary.querySelector("a[data-field]");
    var target = first && document.getElementById(first.hash.slice(1));
    if (target && target.matches("input, textarea, select")) {
      focusField(target);
    } else {
      summary.focus();
    }
  }

  // ---- evidence files, before the upload ---------------------------------------------

  function checkFiles(input) {
    var data = input.dataset;
    var extensions = (data.extensions || "").split(",");
    var images = (data.imageExtensions || "").split(",");
    var errors = [];
    var files = input.files || [];
    if (files.length > parseInt(data.maxFiles, 10)) { errors.push(data.countMessage); }
    Array.prototype.forEach.call(files, function (file) {
      var dot = file.name.lastIndexOf(".");
      var extension = dot < 0 ? "" : file.name.slice(dot + 1).toLowerCase();
      if (extensions.indexOf(extension) < 0) {
        errors.push(data.typeMessage.replace("%(name)s", file.name));
        return;
      }
      var limit = parseInt(images.indexOf(extension) < 0 ? data.maxBytes : data.maxImageBytes, 10);
      if (file.size > limit) {
        errors.push(data.sizeMessage.replace("%(name)s", file.name)
          .replace("%(mb)s", String(Math.floor(limit / 1048576))));
      }
    });
    var wrapper = input.closest(".field");
    var list = wrapper.querySelector(".errorlist.in-browser");
    if (list) { list.remove(); }
    wrapper.classList.toggle("has-error", errors.length > 0 || !!wrapper.querySelector(".errorlist"));
    if (errors.length) {
      list = document.createElement("ul");
      list.className = "errorlist in-browser";
      list.setAttribute("role", "alert");
      errors.forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
      wrapper.appendChild(list);
    }
    return errors.length === 0;
  }

  // ---- sending, and keeping what could not be sent -----------------------------------

  function store() {
    try { return window.localStorage; } catch (error) { return null; }
  }

  function readDraft(form) {
    var storage = store();
    try { return storage && JSON.parse(storage.getItem(form.dataset.draftKey)); } catch (error) { return null; }
  }

  function dropDraft(key) {
    var storage = store();
    if (storage) { storage.removeItem(key); }
  }

  function status(form, message, stay) {
    var line = document.getElementById("draft-status");
    line.textContent = message;
    line.hidden = !message;
    form.classList.toggle("is-pending", !!message);
    if (message && !stay && !onScreen(line)) { line.scrollIntoView({ block: "center" }); }
  }

  function formValues(form) {
    return {
      week: field(form, "week").value,
      version: field(form, "version").value,
      value: field(form, "value").value,
      note: field(form, "note").value,
      confirm_over: field(form, "confirm_over").checked,
      files: (field(form, "evidence").files || []).length
    };
  }

  function keepDraft(form) {
    var draft = formValues(form);
    var storage = store();
    if (storage) { storage.setItem(form.dataset.draftKey, JSON.stringify(draft)); }
    showDraft(form, draft);
  }

  /* A kept copy the server refused, edited on this page: kept as edited, still not sent. */
  function keepReturned(form) {
    var storage = store();
    if (!storage || sending) { return; }
    var draft = formValues(form);
    draft.files = 0;
    draft.returned = true;
    storage.setItem(form.dataset.draftKey, JSON.stringify(draft));
  }

  /* A report kept for another week of this task (typed without signal in a week that has
     ended since): moved under this page's key, still for its own week, so that it is shown
     and sent like any kept report; the server, whose rule it is, refuses the closed week and
     gives the values back as this week's form with the reason. Never dropped unseen. */
  function adoptOtherWeek(form) {
    var storage = store();
    var key = form.dataset.draftKey;
    if (!storage) { return null; }
    var prefix = key.slice(0, key.lastIndexOf(":") + 1);
    for (var i = 0; i < storage.length; i++) {
      var other = storage.key(i);
      if (other !== key && other.indexOf(prefix) === 0) {
        var text = storage.getItem(other);
        try { JSON.parse(text); } catch (error) { continue; }
        storage.setItem(key, text);
        storage.removeItem(other);
        return JSON.parse(text);
      }
    }
    return null;
  }

  function weekLabel(form, week) {
    var match = /^(\d{4})-W(\d{2})$/.exec(week || "");
    if (!match) { return week; }
    return form.dataset.weekLabel.replace("%(year)s", match[1]).replace("%(number)s", String(parseInt(match[2], 10)));
  }

  function showDraft(form, draft) {
    var message = form.dataset.pendingMessage;
    if (draft.week && draft.week !== field(form, "week").value) {
      message = form.dataset.closedMessage.replace("%(week)s", weekLabel(form, draft.week));
    }
    status(form, message + (draft.files ? " " + form.dataset.filesMessage : ""));
  }

  function pageUrl() {
    return window.location.href.split("#")[0];
  }

  /* The server's page (``page``, parsed) replaces this one's main part, from its top. */
  function showServerPage(page) {
    document.querySelector("main").replaceWith(page.querySelector("main"));
    document.title = page.title;
    window.scrollTo(0, 0);
    start();
  }

  /* POST ``data``; resolves when the server answered, rejects when nothing came back.
     Saved: the server redirects to this page, whose confirmation (本周进度已保存) replaces
     this one's main part. Refused (400, 409): the server's task page with the values and the
     reasons replaces it. Any other answer (a 403 from a stale CSRF cookie, a proxy's 413 or
     502): the values are kept and the status line says it failed. Redirected elsewhere (the login page, the session having expired while
     offline): nothing was saved, so the values are kept (``keep``) and the browser follows;
     after logging in it comes back here and sends them. */
  function send(form, data, keep, draft) {
    var fromDraft = !!draft;
    var key = form.dataset.draftKey;
    var button = form.querySelector("button[type=submit]");
    sending = true;
    button.disabled = true;
    return fetch(pageUrl(), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        var here = new URL(pageUrl()).pathname;
        if (response.redirected && new URL(response.url).pathname !== here) {
          keep();
          window.location.assign(response.url);
          return;
        }
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          if (!page.querySelector("main #this-week")) {  // not the task page: a 403, 413, 500…
            keep();
            status(form, form.dataset.failedMessage + " (HTTP " + response.status + ")");
            return;
          }
          var refused = page.querySelector("main #error-summary");
          var next = page.querySelector("main .report-form");
          dropDraft(key);
          if (fromDraft && refused && next && store()) {
            // not saved: the values the secretary typed without signal stay in this browser,
            // now as this week's form, until a submit is saved (never sent again by itself)
            draft.week = field(next, "week").value;
            draft.returned = true;
            store().setItem(next.dataset.draftKey, JSON.stringify(draft));
          }
          showServerPage(page);
        });
      })
      .finally(function () {
        sending = false;
        button.disabled = false;
      });
  }

  function sendDraft() {
    var form = reportForm();
    var draft = form && readDraft(form);
    if (!draft || sending || navigator.onLine === false) { return; }
    var data = new FormData();
    data.append("csrfmiddlewaretoken", field(form, "csrfmiddlewaretoken").value);
    ["week", "version", "value", "note"].forEach(function (name) { data.append(name, draft[name]); });
    if (draft.confirm_over) { data.append("confirm_over", "on"); }
    status(form, form.dataset.sendingMessage);
    var keep = function () { showDraft(form, draft); };
    send(form, data, keep, draft).catch(keep);
  }

  function onSubmit(event) {
    var form = event.target;
    var files = field(form, "evidence");
    if (!checkFiles(files)) {
      event.preventDefault();
      focusField(files);
      return;
    }
    if (!window.fetch || !window.FormData || !store()) { return; }  // the plain form post
    event.preventDefault();
    if (sending) { return; }
    if (navigator.onLine === false) {
      keepDraft(form);
      return;
    }
    status(form, "");
    var keep = function () { keepDraft(form); };
    var kept = readDraft(form);
    // a refused copy submitted again: kept until the server saves it
    var returned = kept && kept.returned ? formValues(form) : null;
    send(form, new FormData(form), keep, returned).catch(keep);
  }

  function start() {
    showRefused();
    var form = reportForm();
    if (!form) { return; }
    var value = field(form, "value");
    value.addEventListener("input", function () { updatePercent(form); });
    if (value.value !== "") { updatePercent(form); }
    var files = field(form, "evidence");
    files.addEventListener("change", function () { checkFiles(files); });
    form.addEventListener("submit", onSubmit);
    var draft = readDraft(form) || adoptOtherWeek(form);
    if (draft && draft.returned) {
      // sent once and refused (a closed week, a value to confirm…): shown, kept as it is
      // typed, and sent only when the secretary submits
      value.value = draft.value;
      field(form, "note").value = draft.note;
      field(form, "confirm_over").checked = !!draft.confirm_over;
      updatePercent(form);
      // right after the refusal, its summary keeps the screen
      status(form, form.dataset.returnedMessage, !!document.getElementById("error-summary"));
      form.addEventListener("input", function () { keepReturned(form); });
      form.addEventListener("change", function () { keepReturned(form); });
    } else if (draft) {
      // typed earlier without signal: back into the form, then sent
      value.value = draft.value;
      field(form, "note").value = draft.note;
      field(form, "confirm_over").checked = !!draft.confirm_over;
      updatePercent(form);
      showDraft(form, draft);
      sendDraft();
    }
  }

  window.addEventListener("online", sendDraft);
  start();
})();
