"""Security headers on every answer, and ``no-store`` on every page and API answer.

OWASP HTTP Headers Cheat Sheet and OWASP Secure Headers Project: a Content-Security-Policy
without inline script and with ``frame-ancestors 'none'`` (clickjacking), ``nosniff``,
a Referrer-Policy, and HSTS (RFC 6797) when the site is served over HTTPS.

The policy's two allowances, and why:
- ``style-src 'unsafe-inline'``: templates carry ``style=`` attributes, and htmx, Vega
  and Cytoscape set inline styles; styles cannot run script.
- ``script-src 'unsafe-eval'``: Vega compiles its expressions with the Function
  constructor; its CSP-safe interpreter ships only as an ES module. No inline script
  runs, and htmx is told not to evaluate attributes (``htmx-config`` in the layout).

Pages and API answers nearly all carry personal data or what a user's scope lets them
see, so all of them are ``Cache-Control: no-store`` (OWASP Session Management Cheat Sheet,
"Web Content Caching"); only ``/static`` may be cached.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS: Final = "max-age=63072000; includeSubDomains"  # two years (OWASP HSTS Cheat Sheet)
CACHEABLE_PREFIX: Final = "/static/"


def security_headers(*, https: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",  # for browsers that predate frame-ancestors
        # same-origin keeps self-report tokens in /r/… links out of other sites' logs,
        # and still lets browsers send Origin on our own form posts.
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streamed answers)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = security_headers(https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = str(scope.get("path", "")).startswith(CACHEABLE_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if not cacheable:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
