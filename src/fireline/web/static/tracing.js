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
    // The graph comes from the API route (about 1 MB at 5,000 cases), not the page.
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(drawChain)
      .catch(function () { box.textContent = box.getAttribute("data-error-text") || ""; });
  }
  function drawChain(data) {
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
    var timeline = document.getElementById("chain-timeline"), embedded = false;
    document.querySelectorAll("[data-layout]").forEach(function (button) {
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-layout"), onTimeline = name === "timeline";
        box.removeAttribute("data-layout-drawn");
        performance.mark("chain-layout-start");
        box.hidden = onTimeline;
        document.getElementById("chain-graph-note").hidden = onTimeline;
        timeline.hidden = !onTimeline;
        document.getElementById("chain-timeline-note").hidden = !onTimeline;
        document.querySelectorAll("[data-layout]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        var done = function () {
          performance.measure("chain-layout", "chain-layout-start");
          box.setAttribute("data-layout-drawn", name);
        };
        if (!onTimeline) { cy.resize(); cy.fit(); cy.one("render", done); cy.forceRender(); return; }
        if (embedded) { done(); return; }
        embedded = true;
        drawTimeline(data, timeline).then(done);
      });
    });
  }
  // The timeline: cases by date of onset, stacked within the day by generation then id.
  function drawTimeline(data, target) {
    var spec = JSON.parse(document.getElementById("chain-timeline-spec").textContent);
    var dated = data.nodes.filter(function (n) { return n.onset; });
    dated.sort(function (a, b) {
      return a.onset < b.onset ? -1 : a.onset > b.onset ? 1 : (a.generation - b.generation) || (a.id - b.id);
    });
    var rowOf = {}, row = 0, day = null;
    dated.forEach(function (n) { row = n.onset === day ? row + 1 : 1; day = n.onset; rowOf[n.id] = row; });
    var cases = dated.map(function (n) {
      return { id: n.id, onset: n.onset, row: rowOf[n.id], classification: n.classification,
        generation: n.generation, url: "/investigation/cases/" + n.id };
    });
    var byId = {};
    dated.forEach(function (n) { byId[n.id] = n; });
    var links = data.edges.filter(function (e) { return byId[e[0]] && byId[e[1]]; }).map(function (e) {
      return { from_onset: byId[e[0]].onset, to_onset: byId[e[1]].onset, from_row: rowOf[e[0]], to_row: rowOf[e[1]] };
    });
    spec.datasets = { cases: cases, links: links };
    if (typeof window.vegaEmbed !== "function") {
      target.textContent = document.getElementById("chain-graph").getAttribute("data-error-text") || "";
      return Promise.resolve();
    }
    var options = { actions: false, renderer: cases.length > 1000 ? "canvas" : "svg" };
    return window.vegaEmbed(target, spec, options).then(function (result) {
      window.firelineTimeline = result.view;
      target.setAttribute("data-rendered", String(cases.length));
    });
  }
})();
