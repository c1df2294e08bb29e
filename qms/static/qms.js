/* QMS — small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  }

  // The sticky top bar's real height (its menu may wrap on a desktop) in --header-h, which the stylesheet uses as
  // scroll-padding: a field that gets focus, or an anchor that is jumped to, is never hidden under the bar.
  ready(function () {
    var bar = document.querySelector("body > header.topbar");
    if (!bar) { return; }
    var update = function () {
      document.documentElement.style.setProperty("--header-h", bar.getBoundingClientRect().height + "px");
    };
    update();
    if (window.ResizeObserver) { new ResizeObserver(update).observe(bar); } else { window.addEventListener("resize", update); }
    // A field that is partly in view is not scrolled at all by the browser when it gets focus, even if its top
    // is under the bar (Shift+Tab upwards through a long form): move it clear of the bar.
    document.addEventListener("focusin", function (event) {
      var el = event.target;
      if (!el.getBoundingClientRect || bar.contains(el)) { return; }
      var covered = bar.getBoundingClientRect().bottom + 8 - el.getBoundingClientRect().top;
      if (covered > 0) { window.scrollBy(0, -covered); }
    });
  });

  ready(function () {
    // Phone menu: a button folds the navigation open and closed.
    var menu = document.getElementById("menu");
    var toggle = menu && menu.querySelector(".menu-toggle");
    if (toggle) {
      toggle.hidden = false;
      var setOpen = function (open) {
        menu.classList.toggle("open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      };
      toggle.addEventListener("click", function () { setOpen(!menu.classList.contains("open")); });
      document.addEventListener("click", function (event) {
        if (menu.classList.contains("open") && !menu.contains(event.target)) { setOpen(false); }
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.classList.contains("open")) { setOpen(false); toggle.focus(); }
      });
    }
  });

  // Menu groups (<details>). On a desktop they are dropdowns: one open at a time, Escape or a click elsewhere
  // closes it (focus back on its title). In the phone menu every group is open, a list under its heading.
  ready(function () {
    var groups = Array.prototype.slice.call(document.querySelectorAll("details[data-menu-group]"));
    if (!groups.length) { return; }
    var desktop = window.matchMedia("(min-width: 960px)");
    var arrange = function () { groups.forEach(function (group) { group.open = !desktop.matches; }); };
    arrange();
    if (desktop.addEventListener) { desktop.addEventListener("change", arrange); }
    groups.forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (desktop.matches && group.open) {
          groups.forEach(function (other) { if (other !== group) { other.open = false; } });
        }
      });
    });
    document.addEventListener("click", function (event) {
      if (!desktop.matches) { return; }
      groups.forEach(function (group) { if (group.open && !group.contains(event.target)) { group.open = false; } });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !desktop.matches) { return; }
      groups.forEach(function (group) {
        if (group.open) { group.open = false; group.querySelector("summary").focus(); }
      });
    });
  });

  // "All in order" on a checklist: every question without an answer gets its "ok" choice, here on the page
  // (without scripts the button asks the server to do the same).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-all-ok]");
    if (!button || !button.form) { return; }
    event.preventDefault();
    var names = {};
    button.form.querySelectorAll("input[type=radio][value=ok]").forEach(function (radio) { names[radio.name] = radio; });
    Object.keys(names).forEach(function (name) {
      if (!button.form.querySelector("input[type=radio][name='" + name + "']:checked")) { names[name].checked = true; }
    });
  });

  // A document's file opens in a new tab; the reading view then reloads to offer the read confirmation.
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-opens-file]")) {
      window.setTimeout(function () { window.location.reload(); }, 1500);
    }
  });

  // A form that came back with errors: focus its summary, so the person hears and sees what to correct first.
  ready(function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });

  // Ask before destructive or irreversible actions: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // Auto-submit filter selects marked data-autosubmit.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.requestSubmit(); }
  });

  // A background job's progress page: poll its status, move the bar, reload when it is finished (the page
  // has a refresh link for use without JavaScript).
  function pollJob(box) {
    fetch(box.getAttribute("data-job-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var bar = box.querySelector("[data-job-progress]");
        var count = box.querySelector("[data-job-count]");
        if (bar) { bar.max = data.total || 1; bar.value = data.progress; }
        if (count) { count.textContent = data.progress + (data.total ? " / " + data.total : ""); }
        if (data.done) { window.location.reload(); } else { window.setTimeout(function () { pollJob(box); }, 1000); }
      })
      .catch(function () { window.setTimeout(function () { pollJob(box); }, 3000); });
  }
  ready(function () {
    document.querySelectorAll("[data-job-status-url][data-running]").forEach(function (box) {
      window.setTimeout(function () { pollJob(box); }, 700);
    });
  });
})();
