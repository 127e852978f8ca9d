"""Where Outreach finds its shipped resources and keeps its data and settings.

Shipped files (advice content, reference data, translations) come from the installed
package (``outreach/_data``) or, in a source checkout, from the repository's top level.
Data and settings follow this order: an explicit ``--data-dir``, the environment variable
``OUTREACH_DATA_DIR``, then the platform's user data folder. See docs/locations.md.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

import platformdirs

APP_DIR_NAME = "Outreach"
DATA_DIR_ENV = "OUTREACH_DATA_DIR"
CONFIG_DIR_ENV = "OUTREACH_CONFIG_DIR"
CONTENT_DIR_ENV = "OUTREACH_CONTENT_DIR"


def _shipped(name: str) -> Path:
    """Return the folder of a shipped tree: bundle, installed package or source checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidate = Path(bundle) / "outreach" / "_data" / name
        if candidate.is_dir():
            return candidate
    # The package's own folder (importlib.resources would give the same for a package
    # installed as files, for 2 ms of imports at every start).
    packaged = Path(__file__).resolve().parent / "_data" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def resources_dir() -> Path:
    """Folder of resources (advice, contacts, reference lists).

    ``OUTREACH_CONTENT_DIR`` points at another copy, e.g. a content update on a USB
    stick that a content owner wants to check before it is installed.
    """
    override = os.environ.get(CONTENT_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return _shipped_resources()


@cache
def _shipped_resources() -> Path:
    return _shipped("resources")


def icons_dir() -> Path:
    """Folder of the app's icons (always the shipped ones, whatever the content)."""
    return _shipped_resources() / "icons"


@cache
def translations_dir() -> Path:
    """Folder of the gettext catalogues for the user interface."""
    return _shipped("translations")


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder, creating it if needed."""
    if explicit:
        path = Path(explicit)
    elif os.environ.get(DATA_DIR_ENV):
        path = Path(os.environ[DATA_DIR_ENV])
    else:
        path = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    path = path.expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir(data: Path | None = None, *, explicit_data: bool = False) -> Path:
    """Return the settings folder.

    ``OUTREACH_CONFIG_DIR`` wins; a data folder chosen explicitly (flag or environment)
    keeps its settings inside it, so such a folder is self-contained; otherwise the
    platform's user config folder.
    """
    if os.environ.get(CONFIG_DIR_ENV):
        path = Path(os.environ[CONFIG_DIR_ENV])
    elif data is not None and (explicit_data or os.environ.get(DATA_DIR_ENV)):
        path = data
    else:
        path = Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))
    path = path.expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path
