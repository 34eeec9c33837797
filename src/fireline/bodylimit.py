"""The request body limit: 413 as problem+json on the API and as a page on pages.

A pure ASGI middleware wraps ``receive``: a Content-Length over the limit, or more
bytes than the limit as they stream in (chunked bodies have no length), raises
HTTPException(413) where the app reads the body, so the app's own error handlers
answer. (FastAPI's ``max_body_size`` answers a too-long Content-Length in plain text
whatever the handlers say.) OWASP File Upload Cheat Sheet, "File Size Limit".
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        too_long = declared.isdigit() and int(declared) > self.max_bytes
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            if too_long:
                raise HTTPException(413)
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise HTTPException(413)
            return message

        await self.app(scope, limited, send)
