/* Dossier progress: poll the job's status and reload the page when it is done (the page has a refresh link without JS). */
(function () {
  "use strict";
  function poll(box) {
    var url = box.getAttribute("data-status-url");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var bar = document.getElementById("dossier-progress");
        var count = document.getElementById("dossier-count");
        if (bar) { bar.max = data.total || 1; bar.value = data.progress; }
        if (count) { count.textContent = data.progress + " / " + data.total; }
        if (data.done) { window.location.reload(); } else { window.setTimeout(function () { poll(box); }, 1000); }
      })
      .catch(function () { window.setTimeout(function () { poll(box); }, 3000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("dossier-job");
    if (box && box.getAttribute("data-running")) { window.setTimeout(function () { poll(box); }, 700); }
  });
})();
