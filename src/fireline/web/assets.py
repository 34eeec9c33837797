"""Static assets addressed by their content, cached by browsers for a year.

A page links ``/static/fireline.js?v=<hash>``, the hash taken from the file's bytes
once per process; the file under a URL whose ``v`` is its current hash is answered
with ``Cache-Control: public, max-age=31536000, immutable`` (RFC 8246: the browser
never revalidates it), so a returning user loads no asset again until one changes, and
a changed file gets a new URL (MDN, "HTTP caching", "Cache busting"). A file missing
when first asked for (``vendor/`` before ``make vendor``) keeps the release's version
and is hashed once it exists.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Final

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from fireline import __version__

IMMUTABLE: Final = "public, max-age=31536000, immutable"
HASH_LENGTH: Final = 12  # hex digits of SHA-256: 48 bits, ample for a few dozen files


class AssetVersions:
    """The content hash of each file under ``root``, computed on first use and kept."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._known: dict[str, str] = {}
        self._lock = threading.Lock()

    def version(self, path: str) -> str | None:
        """The file's hash, or None when there is no such file (yet)."""
        known = self._known.get(path)
        if known is not None:
            return known
        file = (self.root / path).resolve()
        if not file.is_relative_to(self.root.resolve()) or not file.is_file():
            return None
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:HASH_LENGTH]
        with self._lock:
            self._known[path] = digest
        return digest

    def url(self, path: str) -> str:
        return f"/static/{path}?v={self.version(path) or __version__}"


class CachedStatic(StaticFiles):
    """StaticFiles that marks a file immutable when the URL carries its current hash."""

    def __init__(self, *, directory: Path, versions: AssetVersions) -> None:
        super().__init__(directory=directory, check_dir=False)
        self.versions = versions

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        asked = _query_value(scope, b"v")
        if response.status_code == 200 and asked and asked == self.versions.version(path):
            response.headers["Cache-Control"] = IMMUTABLE
        return response


def _query_value(scope: Scope, name: bytes) -> str | None:
    for pair in bytes(scope.get("query_string", b"")).split(b"&"):
        key, _, value = pair.partition(b"=")
        if key == name:
            return value.decode("ascii", "replace")
    return None
