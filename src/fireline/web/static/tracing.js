// Investigation pages: interview autosave that survives a network blip, the pickers of
// the interview's contact and exposure forms, and the chain graph.
(function () {
  "use strict";
  // A refused form (422) or a stale autosave (409) is shown, not dropped: htmx 2 swaps
  // only 2xx answers by default, and these carry the refusal beside its field.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 409) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });
  // A click on a candidate picks the person on file (or the venue of the register);
  // typing again in the box forgets the choice.
  document.addEventListener("click", function (event) {
    var person = event.target.closest("[data-pick-person]");
    var venue = event.target.closest("[data-pick-venue]");
    var pick = person || venue;
    if (!pick) { return; }
    var form = pick.closest("form");
    var hidden = form.querySelector(person ? "#contact-person-id" : "#exposure-venue-id");
    var box = form.querySelector(person ? "#contact-name" : "#exposure-venue");
    hidden.value = pick.getAttribute(person ? "data-pick-person" : "data-pick-venue");
    box.value = pick.getAttribute(person ? "data-person-name" : "data-venue-name");
    pick.closest(".candidates").textContent = "";
  });
  document.addEventListener("input", function (event) {
    if (event.target.id === "contact-name") { document.getElementById("contact-person-id").value = ""; }
    if (event.target.id === "exposure-venue") { document.getElementById("exposure-venue-id").value = ""; }
  });
  var form = document.getElementById("interview-form");
  if (form) {
    var key = "fireline:interview:" + form.getAttribute("data-case");
    var stash = function () {
      var data = {};
      new FormData(form).forEach(function (v, k) { (data[k] = data[k] || []).push(v); });
      localStorage.setItem(key, JSON.stringify(data));
    };
    var restore = function (data) {
      form.querySelectorAll("input[name=symptoms]").forEach(function (box) {
        box.checked = (data.symptoms || []).indexOf(box.value) >= 0;
      });
      ["date_onset", "date_isolation", "notes"].forEach(function (name) {
        if (data[name]) { form.elements[name].value = data[name][0]; }
      });
    };
    var resend = function () { if (localStorage.getItem(key)) { htmx.trigger(form, "change"); } };
    form.addEventListener("input", stash);
    form.addEventListener("change", stash);
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) { localStorage.removeItem(key); }
    });
    form.addEventListener("htmx:sendError", function () {
      document.getElementById("save-status").textContent = form.getAttribute("data-offline") || "Offline: kept on this device, will resend";
    });
    var kept = localStorage.getItem(key);
    if (kept) { restore(JSON.parse(kept)); setTimeout(resend, 50); }
    window.addEventListener("online", resend);
    setInterval(resend, 15000);
  }
  var box = document.getElementById("chain-graph");
  if (box && typeof window.cytoscape === "function") {
    var data = JSON.parse(document.getElementById("chain-data").textContent);
    var colours = { confirmed: "#c0392b", probable: "#e67e22", suspected: "#f1c40f", discarded: "#95a5a6" };
    var shades = ["#1b4f72", "#2874a6", "#3498db", "#85c1e9", "#d6eaf8"];
    var elements = data.nodes.map(function (n) {
      return { group: "nodes", data: { id: String(n.id), label: String(n.id), cls: n.classification, gen: n.generation,
        fill: colours[n.classification] || "#7f8c8d", ring: shades[Math.max(n.generation, 0) % shades.length] },
        position: { x: n.x, y: n.y } };
    });
    data.edges.forEach(function (e) {
      elements.push({ group: "edges", data: { id: e[0] + "-" + e[1], source: String(e[0]), target: String(e[1]) } });
    });
    // Case ids are drawn only once zoomed in far enough to read them (7 px on screen):
    // a 5,000-case cluster is fitted at about 0.03 and its labels would be noise, and
    // skipping them keeps pans fast; the server's layouts keep Cytoscape from laying out.
    var cy = window.cytoscape({ container: box, elements: elements, layout: { name: "preset" },
      textureOnViewport: true, hideEdgesOnViewport: data.nodes.length > 1000, pixelRatio: 1,
      style: [
        { selector: "node", style: { "background-color": "data(fill)", "border-color": "data(ring)", "border-width": 4,
          width: 18, height: 18, label: "data(label)", "font-size": 8, "min-zoomed-font-size": 7 } },
        { selector: "edge", style: { width: 1, "line-color": "#999", "target-arrow-shape": "triangle",
          "target-arrow-color": "#999", "curve-style": "haystack" } }
      ] });
    window.firelineChain = cy;
    // "Drawn" means painted: the first frame after construction (Cytoscape draws on the
    // next animation frame), marked for the benchmark and DevTools (bench/benchmarks/graph.py).
    cy.one("render", function () {
      performance.mark("chain-drawn");
      box.setAttribute("data-rendered", String(cy.nodes().length));
    });
    cy.on("tap", "node", function (event) { window.location = "/investigation/cases/" + event.target.id(); });
    var byId = {};
    data.nodes.forEach(function (n) { byId[n.id] = n; });
    document.querySelectorAll("[data-layout]").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-layout"), timeline = name === "timeline";
        box.removeAttribute("data-layout-drawn");
        performance.mark("chain-layout-start");
        cy.one("render", function () {
          performance.measure("chain-layout", "chain-layout-start");
          box.setAttribute("data-layout-drawn", name);
        });
        cy.nodes().positions(function (node) {
          var n = byId[node.id()];
          return timeline ? { x: n.tx, y: n.ty } : { x: n.x, y: n.y };
        });
        cy.fit();
        document.querySelectorAll("[data-layout]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      });
    });
  }
})();
