/* QMS — small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  // Ask before destructive or irreversible actions: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  // Close the phone menu when a link in it is followed or the page is clicked elsewhere.
  document.addEventListener("click", function (event) {
    var menu = document.getElementById("menu");
    if (menu && menu.open && !menu.contains(event.target)) { menu.open = false; }
  });
  // Auto-submit filter selects marked data-autosubmit.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.requestSubmit(); }
  });
})();
