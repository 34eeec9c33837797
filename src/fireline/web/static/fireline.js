// Small page behaviour that works without the vendor packages.
(function () {
  "use strict";
  // The jurisdiction switcher reloads the page as soon as a jurisdiction is chosen.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
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
