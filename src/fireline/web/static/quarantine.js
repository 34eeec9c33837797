// The quarantine pages: a button copies the text of the field it names (the self-report
// text message), and says so on itself for a moment.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.querySelector(button.getAttribute("data-copy"));
      if (!field) { return; }
      var label = button.textContent;
      var said = function () {
        button.textContent = button.getAttribute("data-copied-text") || label;
        window.setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(said);
      } else {  // plain http on a local network: the selection and the older command
        field.select();
        if (document.execCommand("copy")) { said(); }
      }
    });
  });
})();
