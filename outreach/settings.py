"""The app's settings: one typed object, saved as TOML with a version number.

Older files are upgraded step by step on load; a damaged file is reported with its line
and never silently replaced.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from outreach.i18n import _

SETTINGS_FILE = "settings.toml"
SETTINGS_VERSION = 1


class SettingsError(Exception):
    """The settings file cannot be used; the message names the file and the problem."""


@dataclass
class Settings:
    """Everything the officer can set. Defaults suit a first start."""

    version: int = SETTINGS_VERSION
    ui_language: str = "en"
    content_language: str = "en"
    show_english_alongside: bool = True
    officer_name: str = ""
    collar_number: str = ""
    team: str = ""
    district: str = ""
    # Printed in the contact block of every leaflet.
    officer_phone: str = ""
    officer_email: str = ""
    # The QR code on leaflets; empty: the force's online reporting page.
    leaflet_qr_url: str = ""
    leaflet_layout: str = "a4"
    # The app locks itself after this many idle minutes.
    lock_after_minutes: int = 5
    # Set when the officer has been through the first-run setup (or skipped it).
    first_run_done: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> Settings:
        data = _upgrade(dict(data))
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue  # a setting from a newer version: ignore, keep going
            default = known[key].default
            # bool is an int in Python; a TOML true is no number of minutes.
            if not isinstance(value, type(default)) or (
                isinstance(value, bool) and not isinstance(default, bool)
            ):
                raise SettingsError(
                    _("{path}: setting {key!r} should be {kind}, not {value!r}.").format(
                        path=path or SETTINGS_FILE,
                        key=key,
                        kind=type(default).__name__,
                        value=value,
                    )
                )
            if key in _RANGES and not _RANGES[key][0] <= value <= _RANGES[key][1]:
                raise SettingsError(
                    _(
                        "{path}: setting {key!r} should be from {low} to {high}, not {value!r}."
                    ).format(
                        path=path or SETTINGS_FILE,
                        key=key,
                        low=_RANGES[key][0],
                        high=_RANGES[key][1],
                        value=value,
                    )
                )
            values[key] = value
        values["version"] = SETTINGS_VERSION
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# Allowed ranges of number settings.
_RANGES: dict[str, tuple[int, int]] = {"lock_after_minutes": (1, 240)}

# Ordered upgrades: each takes a dict of version N and returns version N + 1.
_UPGRADES: dict[int, Any] = {}


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", 1)
    if not isinstance(version, int):
        version = 1
    while version in _UPGRADES:
        data = _UPGRADES[version](data)
        version += 1
        data["version"] = version
    return data


def load_settings(folder: Path) -> Settings:
    """Read ``settings.toml`` in ``folder``; defaults when there is none yet."""
    path = folder / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise SettingsError(
            _("{path} is not UTF-8 text ({error}).").format(path=path, error=exc)
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise SettingsError(
            _("{path}, line {line}: the settings file is damaged ({error}).").format(
                path=path, line=line.group(1) if line else "?", error=exc
            )
        ) from exc
    return Settings.from_dict(data, path)


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` so a crash leaves the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def save_settings(folder: Path, settings: Settings) -> Path:
    """Save ``settings`` safely into ``folder``; returns the file written."""
    path = folder / SETTINGS_FILE
    import tomli_w  # only to save: the app starts by reading

    atomic_write_bytes(path, tomli_w.dumps(settings.to_dict()).encode("utf-8"))
    return path


class SettingsStore:
    """The settings service handed to screens: current settings, saved on each change."""

    def __init__(self, folder: Path, settings: Settings | None = None) -> None:
        self.folder = folder
        self.settings = settings if settings is not None else load_settings(folder)

    def save(self, settings: Settings) -> None:
        save_settings(self.folder, settings)
        self.settings = settings
