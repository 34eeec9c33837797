"""An exception no handler takes becomes the app's 500, and the connection lives on."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from bench.benchmarks._browser import served
from fastapi import FastAPI
from fastapi.testclient import TestClient

QUOTED = "Li Hua 11010519491231002X"  # what a driver's message may carry


def failing_app(app_factory: Any) -> FastAPI:
    app: FastAPI = app_factory()

    def boom() -> None:
        raise RuntimeError(QUOTED)

    app.add_api_route("/api/v1/boom", boom)
    app.add_api_route("/boom", boom)
    return app


def test_an_unexpected_error_is_problem_json_on_the_api_and_a_page_elsewhere(
    app_factory: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # TestClient re-raises what escapes the app: before, the exception reached it.
    with TestClient(failing_app(app_factory)) as client:
        api = client.get("/api/v1/boom")
        page = client.get("/boom")
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["detail"] == "the request could not be completed"
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong" in page.text
    for answer in (api.text, page.text):
        assert "Li Hua" not in answer and "RuntimeError" not in answer
    # The log has the type and the frames, never the message (it can quote a row).
    assert "RuntimeError" in caplog.text
    assert "Li Hua" not in caplog.text and "11010519491231002X" not in caplog.text


def request(connection: socket.socket, path: str) -> bytes:
    """One HTTP/1.1 request on an open connection; the answer's head and body."""
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = connection.recv(65536)
        if not chunk:
            return head  # the server closed the connection
        head += chunk
    headers, _, body = head.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in headers.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(65536)
    return headers


def test_the_next_request_on_a_keep_alive_connection_after_a_500_is_answered(
    app_factory: Any,
) -> None:
    """uvicorn closed the connection of any request whose app raised, so the next
    request a client sent on it was reset."""
    with served(failing_app(app_factory)) as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            assert request(connection, "/api/v1/boom").startswith(b"HTTP/1.1 500")
            assert request(connection, "/healthz").startswith(b"HTTP/1.1 200")
