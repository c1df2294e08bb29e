/* Speak-up report form: hide the name fields while "stay anonymous" is ticked. Nothing typed is kept on the
   device (a shared phone must not show the next person what was reported). Works without this file too. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var anonymous = document.querySelector(".speakup-form input[name=anonymous]");
    var named = document.querySelector(".speakup-form [data-named]");
    if (anonymous && named) {
      var sync = function () { named.hidden = anonymous.checked; };
      anonymous.addEventListener("change", sync);
      sync();
    }
  });
})();
