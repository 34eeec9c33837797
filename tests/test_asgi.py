"""ResponseWatch: passes messages on and knows when a response has started."""

from __future__ import annotations

import anyio
from starlette.types import Message

from fireline.asgi import ResponseWatch


def test_it_passes_messages_on_and_marks_the_start_line() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> ResponseWatch:
        watch = ResponseWatch(send)
        assert not watch.started
        await watch({"type": "http.response.start", "status": 200, "headers": []})
        await watch({"type": "http.response.body", "body": b"ok"})
        return watch

    watch = anyio.run(run)
    assert watch.started
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
