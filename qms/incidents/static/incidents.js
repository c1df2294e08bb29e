/* Incident report form: keep what was typed on this device (localStorage) and offer to send it once the
   connection is back. Photos cannot be kept; everything else can. Works without this file too. */
(function () {
  "use strict";
  var PREFIX = "incident-report:";

  function store() {
    try { var s = window.localStorage; s.setItem(PREFIX + "probe", "1"); s.removeItem(PREFIX + "probe"); return s; }
    catch (e) { return null; }
  }

  function collect(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      // The one-time submission id is not kept: a draft put back is a new report (offline.js gives ids).
      if (!el.name || el.type === "file" || el.name === "csrf_token" || el.name === "submission_id" ||
          el.type === "submit") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function restore(form, data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.name === "csrf_token" || el.name === "submission_id") { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in data) { el.checked = !!data[key]; }
      } else if (el.name in data) {
        el.value = data[el.name];
      }
    });
  }

  function typedSomething(data) {
    return ["description", "immediate_action", "location"].some(function (k) { return data[k]; });
  }

  function setup(form, storage) {
    var key = PREFIX + form.getAttribute("data-keep");
    var offlineNote = document.querySelector("[data-offline-note]");
    var restoreNote = document.querySelector("[data-restore-note]");
    var hasServerErrors = !!form.querySelector(".error, .has-error");
    var saved = null;
    try { saved = JSON.parse(storage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && typedSomething(saved) && !hasServerErrors) {
      restore(form, saved);
      if (restoreNote) { restoreNote.hidden = false; }
    }
    var save = function () { storage.setItem(key, JSON.stringify(collect(form))); };
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    var discard = restoreNote && restoreNote.querySelector("[data-discard]");
    if (discard) {
      discard.addEventListener("click", function () { storage.removeItem(key); window.location.reload(); });
    }

    var sendButton = null;
    var offerSend = function () {
      if (!offlineNote || !storage.getItem(key)) { return; }
      offlineNote.hidden = false;
      offlineNote.classList.remove("flash-warning");
      offlineNote.classList.add("flash-info");
      offlineNote.textContent = form.getAttribute("data-online-text") || offlineNote.textContent;
      if (!sendButton) {
        sendButton = document.createElement("button");
        sendButton.type = "button";
        sendButton.className = "button primary";
        sendButton.setAttribute("data-send-now", "");
        sendButton.textContent = form.getAttribute("data-send-text") || "Send";
        sendButton.addEventListener("click", function () { form.submit(); });
        offlineNote.appendChild(document.createTextNode(" "));
        offlineNote.appendChild(sendButton);
      }
    };

    // The outbox (qms/static/offline.js) took the report, photos and all: the draft here is done.
    form.addEventListener("qms:queued", function () {
      storage.removeItem(key);
      if (restoreNote) { restoreNote.hidden = true; }
      if (offlineNote) { offlineNote.hidden = true; }
    });

    form.addEventListener("submit", function (event) {
      save();
      if (navigator.onLine === false && !form.hasAttribute("data-offline-ready")) {
        event.preventDefault();
        if (offlineNote) {
          offlineNote.hidden = false;
          offlineNote.textContent = form.getAttribute("data-offline-text") || offlineNote.textContent;
          offlineNote.scrollIntoView({ block: "center" });
        }
        window.addEventListener("online", offerSend, { once: true });
      }
    });

    // Anonymous reporting: hide name fields while "stay anonymous" is ticked.
    var anonymous = form.querySelector("input[name=anonymous]");
    var named = form.querySelector("[data-named]");
    if (anonymous && named) {
      var sync = function () { named.hidden = anonymous.checked; };
      anonymous.addEventListener("change", sync);
      sync();
    }
  }

  function ready() {
    var storage = store();
    if (!storage) { return; }
    if (document.querySelector("[data-sent]")) {
      Object.keys(storage).forEach(function (k) { if (k.indexOf(PREFIX) === 0) { storage.removeItem(k); } });
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-keep]"), function (form) { setup(form, storage); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();

/* The Arbeidsinspectie assistant: copy the ready text with one tap (the text stays selectable without this). */
(function () {
  "use strict";
  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source) { return; }
        var label = button.textContent;
        var done = function () {
          button.textContent = button.getAttribute("data-copied-text") || label;
          window.setTimeout(function () { button.textContent = label; }, 2000);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(source.value).then(done, function () { source.select(); });
        } else {
          source.select();
          try { document.execCommand("copy"); done(); } catch (e) { /* the text stays selected */ }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
