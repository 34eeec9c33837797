// Starts Swagger UI on /api/v1/docs (a static file: the CSP allows no inline script).
(function () {
  "use strict";
  var box = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: box.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    // The default validator badge fetches validator.swagger.io: nothing leaves the server.
    validatorUrl: null,
  });
})();
