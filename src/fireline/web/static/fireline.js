// Small page behaviour that works without the vendor packages.
(function () {
  "use strict";
  // On a phone the navigation folds behind the "Menu" button (the CSS hides the button on
  // wide screens); without this script the menu simply stays open.
  var topbar = document.getElementById("topbar");
  var toggle = topbar && topbar.querySelector(".nav-toggle");
  if (toggle) {
    toggle.hidden = false;
    topbar.classList.add("has-toggle");
    toggle.addEventListener("click", function () {
      var open = topbar.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && topbar.classList.contains("nav-open")) {
        topbar.classList.remove("nav-open");
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }
  // The jurisdiction switcher reloads the page as soon as a jurisdiction is chosen.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // A "select all" box names the boxes it ticks (proposal lists).
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(all.getAttribute("data-select-all")).forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });
  // An htmx form that starts empty again once saved (the contact list).
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-reset-after-save]") && event.detail.successful) {
      form.reset();
    }
  });
  // A chart container names a Vega-Lite spec (a <script type="application/json">).
  document.querySelectorAll("[data-vega-spec]").forEach(function (box) {
    var source = document.getElementById(box.getAttribute("data-vega-spec"));
    if (!source) { return; }
    if (typeof window.vegaEmbed !== "function") {
      box.classList.add("chart-missing");
      box.textContent = box.getAttribute("data-missing-text") || "";
      return;
    }
    window.vegaEmbed(box, JSON.parse(source.textContent), { actions: false, renderer: "svg" })
      .catch(function () {
        box.classList.add("chart-missing");
        box.textContent = box.getAttribute("data-error-text") || "";
      });
  });
})();
