"""Read disease profiles from YAML: the shipped ones, then a deployment's overrides.

Nothing is read at import time. Every error names the file and the line of the
offending item, found from the YAML node tree that the data was built from.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from fireline.diseases.schemas import DiseaseProfile

__all__ = [
    "ProfileError",
    "clear_profile_cache",
    "load_profile_file",
    "load_profiles",
    "parse_profile",
    "shipped_profile_dir",
]

_SUFFIXES = (".yaml", ".yml")


class ProfileError(Exception):
    """A profile file that cannot be used; ``str`` reads ``path:line: message``."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


def shipped_profile_dir() -> Traversable:
    """The folder of profiles shipped inside the package."""
    return resources.files("fireline.diseases") / "profiles"


def load_profile_file(path: str | Path) -> DiseaseProfile:
    """Read and validate one profile file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(file, None, f"cannot read: {exc.strerror or exc}") from exc
    return parse_profile(text, file)


def parse_profile(text: str, path: str | Path) -> DiseaseProfile:
    """Validate the YAML ``text`` of a profile; ``path`` is used in error messages."""
    node, data = _compose(text, path)
    if not isinstance(data, dict):
        raise ProfileError(path, _line(node), "a profile must be a mapping of fields")
    try:
        return DiseaseProfile.model_validate(data)
    except ValidationError as exc:
        raise _to_profile_error(exc, node, path) from None


def load_profiles(override_dir: Path | None = None) -> dict[str, DiseaseProfile]:
    """All profiles by code: the shipped ones, replaced or extended by ``override_dir``.

    Results are cached per folder; call :func:`clear_profile_cache` after editing files.
    """
    return dict(_load_cached(None if override_dir is None else Path(override_dir)))


def clear_profile_cache() -> None:
    """Forget the cached profiles, so the next :func:`load_profiles` reads the files again."""
    _load_cached.cache_clear()


@functools.lru_cache(maxsize=8)
def _load_cached(override_dir: Path | None) -> Mapping[str, DiseaseProfile]:
    profiles = _load_folder(shipped_profile_dir(), Path("profiles"))
    if override_dir is not None:
        if not override_dir.is_dir():
            raise ProfileError(override_dir, None, "disease profile folder does not exist")
        profiles.update(_load_folder(override_dir, override_dir))
    return MappingProxyType(profiles)


def _load_folder(folder: Traversable, shown_as: Path) -> dict[str, DiseaseProfile]:
    """Profiles of one folder by code; two files with the same code are an error."""
    found: dict[str, DiseaseProfile] = {}
    origin: dict[str, Path] = {}
    files = sorted(
        (f for f in folder.iterdir() if f.name.endswith(_SUFFIXES)), key=lambda f: f.name
    )
    for file in files:
        shown = shown_as / file.name
        profile = parse_profile(file.read_text(encoding="utf-8"), shown)
        if profile.code in found:
            other = origin[profile.code]
            raise ProfileError(
                shown, None, f"disease code '{profile.code}' is also defined in {other}"
            )
        found[profile.code] = profile
        origin[profile.code] = shown
    return found


def _compose(text: str, path: str | Path) -> tuple[yaml.Node, Any]:
    """The node tree (for line numbers) and the plain data built from it."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ProfileError(path, 1, "the file is empty")
        _refuse_duplicate_keys(node, path)
        return node, loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise ProfileError(path, line, f"invalid YAML: {exc.problem or exc}") from None
    finally:
        loader.dispose()


def _refuse_duplicate_keys(node: yaml.Node, path: str | Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    raise ProfileError(path, _line(key), f"key '{key.value}' appears twice")
                seen.add(key.value)
            _refuse_duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_duplicate_keys(item, path)


def _to_profile_error(exc: ValidationError, root: yaml.Node, path: str | Path) -> ProfileError:
    """The first validation error, placed on its line."""
    error = exc.errors(include_url=False)[0]
    loc: list[str | int] = list(error["loc"])
    ctx = error.get("ctx") or {}
    if error["type"] == "profile_rule":
        at = str(ctx.get("at", ""))
        loc += [int(p) if p.isdigit() else p for p in at.split(".") if p]
        message = str(ctx["message"])
    else:
        dotted = ".".join(str(p) for p in loc)
        message = f"{dotted}: {error['msg']}" if dotted else str(error["msg"])
    return ProfileError(path, _find_line(root, loc), message)


def _find_line(root: yaml.Node, loc: list[str | int]) -> int:
    """The line of the deepest key or list item reached by following ``loc``. Steps that
    name no node (union tags, missing keys) are skipped: a missing field points at its parent."""
    node, line = root, _line(root)
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                    node, line = value, _line(key)
                    break
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            node = node.value[step]
            line = _line(node)
    return line


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1
