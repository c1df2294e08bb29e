/* QMS offline: registers the service worker, and keeps what is sent without a connection in an outbox on the
   phone (IndexedDB "qms-offline", store "outbox", photos included) until it can be sent, exactly once (the
   form's submission_id). Texts come from the header counter's data- attributes (translated by the server).
   Every page works without this file. */
(function () {
  "use strict";
  var DB_NAME = "qms-offline";
  var STORE = "outbox";
  var box = document.querySelector("[data-outbox]");
  if (!box) { return; }
  var isCopy = document.documentElement.hasAttribute("data-offline-copy");
  /* The login page sends nothing: whoever sees it is not logged in, so what waits needs a login first. A send
     from it could also still be on its way once the login has set the new session, and its "sent" note would
     then go with the page being left instead of the page the person lands on. */
  var onLoginPage = window.location.pathname === box.getAttribute("data-login-path");

  function say(name, n) { return (box.getAttribute("data-say-" + name) || "").replace("{n}", String(n)); }

  if ("serviceWorker" in navigator && box.getAttribute("data-sw-url")) {
    navigator.serviceWorker.register(box.getAttribute("data-sw-url"), {scope: "/", updateViaCache: "none"})
      .catch(function () { /* no offline copies, the app works as before */ });
  }

  // Log-out: the kept copies of pages (which show the person's name) go; the outbox stays and is sent only
  // once someone logs in again.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches("form[data-logout]") || !window.caches) { return; }
    event.preventDefault();
    var go = function () { HTMLFormElement.prototype.submit.call(form); };
    window.caches.delete("qms-pages").then(go, go);
  });

  // --- the outbox in IndexedDB -----------------------------------------------------------------------
  var dbPromise = null;
  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        var request = window.indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "id"}); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }
  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function entries() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (list) {
      return (list || []).sort(function (a, b) { return a.created - b.created; });
    });
  }
  function keep(entry) { return withStore("readwrite", function (store) { return store.put(entry); }); }
  function drop(id) { return withStore("readwrite", function (store) { return store.delete(id); }); }

  function randomId() {
    var bytes = new Uint8Array(24);
    window.crypto.getRandomValues(bytes);
    var text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return window.btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // --- what the header and the page show ---------------------------------------------------------------
  var textEl = box.querySelector("[data-outbox-text]");
  var linkEl = box.querySelector("[data-outbox-link]");
  function showCount() {
    return entries().then(function (list) {
      var waiting = list.filter(function (e) { return e.state === "waiting" && !onLoginPage; });
      var login = list.filter(function (e) { return e.state === "login" || (e.state === "waiting" && onLoginPage); });
      var check = list.filter(function (e) { return e.state === "invalid"; });
      textEl.textContent = waiting.length || login.length ? say("waiting", waiting.length + login.length) : "";
      linkEl.hidden = true;
      if (login.length) {
        linkEl.textContent = say("login");
        linkEl.href = box.getAttribute("data-login-path") + "?next=" + encodeURIComponent(login[0].page || "/");
        linkEl.hidden = false;
      } else if (check.length) {
        linkEl.textContent = say("check", check.length);
        linkEl.href = (check[0].page || new URL(check[0].action).pathname) + "#outbox-" + check[0].id;
        linkEl.hidden = false;
      }
      box.hidden = !list.length;
    }, function () { box.hidden = true; });
  }

  function note(text, kind) {
    var main = document.getElementById("main");
    if (!main || !text) { return; }
    var el = main.querySelector("[data-outbox-note]");
    if (!el) {
      el = document.createElement("p");
      el.setAttribute("data-outbox-note", "");
      el.setAttribute("role", "status");
      main.insertBefore(el, main.firstChild);
    }
    el.className = "flash flash-" + (kind || "info");
    el.textContent = text;
    if (el.scrollIntoView) { el.scrollIntoView({block: "nearest"}); }
  }

  // --- sending -----------------------------------------------------------------------------------------
  function freshToken() {
    return fetch(box.getAttribute("data-token-url"), {cache: "no-store", credentials: "same-origin",
                                                     headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) { return data.token; });
  }

  /* One entry: "sent", "login", "invalid", or "later" (server busy); a network error rejects. */
  function send(entry) {
    return freshToken().then(function (token) {
      var body = new FormData();
      entry.fields.forEach(function (f) {
        if (f.length > 2) { body.append(f[0], f[1], f[2]); } else { body.append(f[0], f[1]); }
      });
      body.set("csrf_token", token);
      return fetch(entry.action, {method: "POST", body: body, credentials: "same-origin",
                                  headers: {"Accept": "text/html"}});
    }).then(function (response) {
      var formPath = new URL(entry.action).pathname;
      var landed = response.redirected ? new URL(response.url).pathname : null;
      if (landed && landed === box.getAttribute("data-login-path")) { return "login"; }
      if (landed && landed !== formPath) { return "sent"; }
      if (response.status >= 500 || response.status === 429) { return "later"; }
      if (landed) {  // back on the same page (a one-button form, a result page): an error message says it failed
        return response.text().then(function (html) {
          return /class="flash flash-error"/.test(html) ? "invalid" : "sent";
        });
      }
      return "invalid";  // the form again, with what the server asks to correct
    });
  }

  var flushing = false;
  function flush() {
    if (onLoginPage) { return showCount(); }
    if (flushing || navigator.onLine === false) { return Promise.resolve(); }
    flushing = true;
    var sent = 0;
    var sentText = "";
    var run = function () {
      return entries().then(function (list) {
        var todo = list.filter(function (e) { return e.state === "waiting" || e.state === "login"; });
        var next = function () {
          var entry = todo.shift();
          if (!entry) { return null; }
          return send(entry).then(function (outcome) {
            if (outcome === "sent") { sent += 1; sentText = entry.sentText; return drop(entry.id).then(next); }
            if (outcome === "later") { return next(); }
            entry.state = outcome;
            return keep(entry).then(next);
          });
        };
        return next();
      });
    };
    var done = navigator.locks ? navigator.locks.request("qms-outbox", run) : run();
    return done.catch(function () { /* still no connection: the entries wait */ }).then(function () {
      flushing = false;
      if (sent) { note(sent === 1 ? sentText || say("sent") : say("sent-many", sent), "success"); }
      return showCount();
    });
  }

  // --- the forms marked data-offline -------------------------------------------------------------------
  function queue(form, data) {
    var fields = [];
    data.forEach(function (value, name) {
      if (name === "csrf_token") { return; }
      if (value instanceof Blob) {
        if (value.size || value.name) { fields.push([name, value, value.name || "photo"]); }
      } else {
        fields.push([name, value]);
      }
    });
    var entry = {id: randomId(), action: form.action, page: window.location.pathname + window.location.search,
                 fields: fields, created: Date.now(), state: "waiting",
                 sentText: form.getAttribute("data-offline-sent") || ""};
    var replaced = form.getAttribute("data-outbox-entry");
    return keep(entry).then(function () { return replaced ? drop(replaced) : null; }).then(function () {
      form.removeAttribute("data-outbox-entry");
      form.dispatchEvent(new CustomEvent("qms:queued", {bubbles: true}));
      form.reset();
      Array.prototype.forEach.call(form.querySelectorAll("[data-kept-photos]"), function (el) { el.remove(); });
      renew(form);
      note(form.getAttribute("data-offline-queued") || say("queued"), "warning");
      return showCount();
    }, function () { note(say("not-kept"), "error"); });
  }

  function renew(form) {
    var id = form.querySelector("input[name=submission_id]");
    if (id) { id.value = randomId(); }
  }

  function restore(form, entry) {
    var files = {};
    entry.fields.forEach(function (f) {
      var name = f[0];
      if (f.length > 2) { (files[name] = files[name] || []).push(new File([f[1]], f[2], {type: f[1].type})); return; }
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name || el.type === "file") { return; }
        if (el.type === "checkbox" || el.type === "radio") { if (el.value === f[1]) { el.checked = true; } }
        else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) { if (o.value === f[1]) { o.selected = true; } });
        } else { el.value = f[1]; }
      });
    });
    Object.keys(files).forEach(function (name) {
      var input = form.querySelector("input[type=file][name='" + name + "']");
      if (!input || !window.DataTransfer) { return; }
      var transfer = new DataTransfer();
      files[name].forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    });
    form.setAttribute("data-outbox-entry", entry.id);
    note(say("restored"), "warning");
  }

  function submitNatively(form, submitter) {
    if (submitter && submitter.name) {
      var extra = document.createElement("input");
      extra.type = "hidden";
      extra.name = submitter.name;
      extra.value = submitter.value;
      form.appendChild(extra);
    }
    var replaced = form.getAttribute("data-outbox-entry");
    (replaced ? drop(replaced) : Promise.resolve()).catch(function () {}).then(function () {
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  /* Sent without a connection (or the connection fails on the way): into the outbox. With a connection the
     form is sent as always, after a quick check that the server answers (and, for a copy from the phone,
     with a fresh form token). */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches("form[data-offline-ready]")) { return; }
    event.preventDefault();
    if (form.getAttribute("data-busy")) { return; }
    var data = event.submitter ? new FormData(form, event.submitter) : new FormData(form);
    if (navigator.onLine === false) { queue(form, data); return; }
    form.setAttribute("data-busy", "1");
    var timer = null;
    var timeout = new Promise(function (resolve, reject) { timer = window.setTimeout(reject, 10000); });
    Promise.race([freshToken(), timeout]).then(function (token) {
      window.clearTimeout(timer);
      var field = form.querySelector("input[name=csrf_token]");
      if (isCopy && field && token) { field.value = token; }
      submitNatively(form, event.submitter);
    }, function (error) {
      window.clearTimeout(timer);
      form.removeAttribute("data-busy");
      if (error instanceof SyntaxError) { submitNatively(form, event.submitter); } else { queue(form, data); }
    });
  });

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline]"), function (form) {
      if (!window.indexedDB || !window.fetch) { return; }
      form.setAttribute("data-offline-ready", "");
      if (isCopy) { renew(form); }  // a copy from the phone: never the id of a report sent from it before
    });
    restoreWanted();
    showCount().then(flush);
  }

  /* "Check your report": the page opens with #outbox-<id>, and that entry is put back into its form. */
  function restoreWanted() {
    var wanted = /^#outbox-([A-Za-z0-9_-]+)$/.exec(window.location.hash);
    if (!wanted) { return; }
    entries().then(function (list) {
      var entry = list.filter(function (e) { return e.id === wanted[1]; })[0];
      var form = entry && Array.prototype.filter.call(document.querySelectorAll("form[data-offline]"),
                                                      function (f) { return f.action === entry.action; })[0];
      if (form) { restore(form, entry); }
    });
  }
  window.addEventListener("hashchange", restoreWanted);
  window.addEventListener("online", flush);
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
