"""``/api/v1/docs``: Swagger UI from the vendored swagger-ui-dist (scripts/build_vendor.mjs),
started by a static script, so the page works offline and under the CSP (headers.py)."""

from __future__ import annotations

from html import escape

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from fireline.web.templating import static_url


def docs_page(title: str, openapi_url: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(title)} - API</title>
<link rel="stylesheet" href="{static_url("vendor/swagger-ui.css")}">
<link rel="icon" href="{static_url("favicon.svg")}" type="image/svg+xml">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{escape(openapi_url)}"></div>
<script src="{static_url("vendor/swagger-ui-bundle.js")}"></script>
<script src="{static_url("swagger-init.js")}"></script>
</body>
</html>
"""


def install_api_docs(app: FastAPI, docs_url: str) -> None:
    page = docs_page(app.title, app.openapi_url or "")

    @app.get(docs_url, include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(page)
