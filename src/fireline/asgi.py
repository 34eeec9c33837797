"""ASGI plumbing that middlewares share."""

from __future__ import annotations

from starlette.types import Message, Send


class ResponseWatch:
    """Passes a response's messages on and remembers whether it has started: after the
    start line, an error can no longer be answered, only the connection closed."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        self.started = self.started or message["type"] == "http.response.start"
        await self.send(message)
