// The pool-tube scan page (testing/templates/scan.html); a static file, as the CSP allows
// no inline script.
/* Scanner mode: one input takes every scan; the tube and member fields fill themselves. */
(function () {
  var form = document.getElementById("scan-form");
  if (!form) { return; }
  var scan = document.getElementById("scan"), tube = document.getElementById("tube");
  var members = document.getElementById("members"), status = document.getElementById("scan-status");
  var count = document.getElementById("member-count");
  scan.hidden = false;
  tube.readOnly = true;
  members.readOnly = true;
  scan.focus();
  function list() { return members.value.split("\n").filter(function (s) { return s.trim(); }); }
  function show(items, message) {
    members.value = items.join("\n");
    count.textContent = String(items.length);
    status.textContent = message || "";
  }
  function close() {
    if (tube.value && list().length) { form.requestSubmit ? form.requestSubmit() : form.submit(); }
  }
  scan.addEventListener("keydown", function (event) {
    var code = scan.value.trim(), items = list();
    if (event.key === "Enter") {
      event.preventDefault();
      if (!code) { close(); return; }
      scan.value = "";
      if (!tube.value) { tube.value = code; show(items); return; }
      if (code === tube.value || items.indexOf(code) >= 0) {
        show(items, form.dataset.twice.replace("%(code)s", code)); return;
      }
      items.push(code);
      show(items);
    } else if (event.key === "F8") {
      event.preventDefault(); close();
    } else if (event.key === "Escape") {
      event.preventDefault(); scan.value = ""; tube.value = ""; show([]);
    } else if (event.key === "Backspace" && !code) {
      event.preventDefault();
      if (items.length) { items.pop(); show(items); } else { tube.value = ""; }
    }
  });
})();
