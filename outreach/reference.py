"""Reference lists HQ can edit: districts, teams, partners, audiences (data, not code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from outreach.paths import resources_dir

LISTS = {"district": "districts.toml", "team": "teams.toml", "partner": "partners.toml",
         "audience": "audiences.toml"}  # fmt: skip


class ReferenceListError(Exception):
    """A reference list cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class Item:
    id: str
    name: str


@dataclass(frozen=True)
class Reference:
    """The reference lists, each in file order."""

    districts: tuple[Item, ...]
    teams: tuple[Item, ...]
    partners: tuple[Item, ...]
    audiences: tuple[Item, ...]

    def name(self, kind: str, item_id: str) -> str:
        items = getattr(self, f"{kind}s")
        return next((i.name for i in items if i.id == item_id), item_id)

    def ids(self, kind: str) -> set[str]:
        return {i.id for i in getattr(self, f"{kind}s")}


def _read(path: Path, key: str) -> tuple[Item, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReferenceListError(f"{path}: {exc}") from exc
    items = []
    for index, entry in enumerate(data.get(key, []), 1):
        if not isinstance(entry.get("id"), str) or not isinstance(entry.get("name"), str):
            raise ReferenceListError(f"{path}: [[{key}]] number {index} needs an id and a name")
        items.append(Item(entry["id"], entry["name"]))
    if not items:
        raise ReferenceListError(f"{path}: no [[{key}]] entries")
    return tuple(items)


def load_reference(root: Path | None = None) -> Reference:
    """Read the reference lists from ``root/reference`` (default: shipped resources)."""
    folder = (root or resources_dir()) / "reference"
    return Reference(**{f"{k}s": _read(folder / f, k) for k, f in LISTS.items()})


@cache
def shipped_reference() -> Reference:
    return load_reference()
