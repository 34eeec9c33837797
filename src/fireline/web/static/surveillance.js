// Behaviour of the surveillance pages on top of htmx; every form also works without it.
(function () {
  "use strict";
  // A 409 (someone else changed the record) or 422 (a reason is missing) comes back
  // as a fragment that explains itself: show it instead of ignoring the error.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // After a swap, keyboard users continue from the message or the swapped element.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.elt;
    var focus = target && target.querySelector && target.querySelector("[role=alert], [role=status]");
    if (focus) { focus.setAttribute("tabindex", "-1"); focus.focus(); }
  });
  // A dismissal needs a reason: say so before the round trip.
  document.querySelectorAll("form.decide").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      var reason = form.querySelector("input[name=reason]");
      if (submitter && submitter.value === "dismiss" && reason && !reason.value.trim()) {
        event.preventDefault();
        event.stopImmediatePropagation();
        reason.focus();
        reason.setAttribute("aria-invalid", "true");
      }
    }, true);
  });
  // Rows of the incidence table drill down when clicked anywhere, not only on the name.
  document.querySelectorAll("tr[data-href]").forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a, button, input, select")) { return; }
      window.location.href = row.getAttribute("data-href");
    });
  });
  // A click on a map circle or area drills down. Vega's own href handling depends on
  // its pointer tracking, so the link is read from the mark's accessible label instead.
  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest(
      ".map [aria-roledescription=circle], .map [aria-roledescription=geoshape]");
    var found = mark && /href: (\S+)/.exec(mark.getAttribute("aria-label") || "");
    if (found && found[1].charAt(0) === "/") { window.location.href = found[1]; }
  });
  // Errors of a submitted form take the focus, so a screen reader reads them first.
  var errors = document.getElementById("form-errors");
  if (errors) { errors.focus(); }
})();
