"""Fonts for print: which script each character is in, and a TrueType font for each script.

ReportLab has no font fallback, so text is split into runs by script and each run is set
in a font that carries it. Font files come from the application bundle, a folder named by
``OUTREACH_FONT_DIR``, or the system's font folders; ``resources/leaflets/fonts.toml``
lists the candidates per script.
"""

from __future__ import annotations

import os
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from outreach.i18n import _
from outreach.paths import _shipped, resources_dir

FONT_DIR_ENV = "OUTREACH_FONT_DIR"

LATIN = "latin"
ARABIC = "arabic"
BENGALI = "bengali"
GURMUKHI = "gurmukhi"

# Unicode blocks of the scripts that need a font of their own; everything else is set in
# the Latin font (which also carries Cyrillic, digits and punctuation).
_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x08A0, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC),
    (0xFE70, 0xFEFF, ARABIC),
    (0x0980, 0x09FF, BENGALI),
    (0x0A00, 0x0A7F, GURMUKHI),
)


class FontMissingError(Exception):
    """No font file for a script was found; the message says what to install."""


@cache
def char_script(ch: str) -> str | None:
    """The script of a character that needs a particular font, or None for a neutral one.

    Neutral characters (spaces, punctuation, symbols, marks and ASCII digits) take the
    font of the text around them when that font has them.
    """
    cp = ord(ch)
    for start, end, script in _BLOCKS:
        if start <= cp <= end:
            return script
    category = unicodedata.category(ch)
    if category[0] in "PSZC" or category == "Nd" or category[0] == "M":
        return None
    return LATIN


@cache
def is_strong_rtl(ch: str) -> bool:
    """True for letters written right to left (Arabic script)."""
    return unicodedata.bidirectional(ch) in ("R", "AL")


@cache
def is_strong_ltr(ch: str) -> bool:
    """True for letters and digits that keep left-to-right order inside RTL text."""
    return unicodedata.bidirectional(ch) in ("L", "EN", "AN") and not is_strong_rtl(ch)


@dataclass(frozen=True)
class ScriptFonts:
    """Registered ReportLab font names for one script."""

    regular: str
    bold: str


@dataclass(frozen=True)
class _Candidates:
    family: str
    regular: tuple[str, ...]
    bold: tuple[str, ...]


@cache
def _font_table() -> tuple[dict[str, _Candidates], dict[str, str]]:
    path = resources_dir() / "leaflets" / "fonts.toml"
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    styles = dict(data.pop("arabic_style", {}))
    table = {
        key: _Candidates(value["family"], tuple(value["regular"]), tuple(value["bold"]))
        for key, value in data.items()
    }
    return table, styles


def font_dirs() -> list[Path]:
    """Folders searched for font files, in order."""
    dirs: list[Path] = []
    if os.environ.get(FONT_DIR_ENV):
        dirs.append(Path(os.environ[FONT_DIR_ENV]).expanduser())
    dirs.append(_shipped("fonts"))
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs.append(windir / "Fonts")
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        dirs += [home / "Library/Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    else:
        data_dirs = os.environ.get("XDG_DATA_DIRS", "/usr/local/share:/usr/share").split(":")
        dirs += [home / ".local/share/fonts", home / ".fonts"]
        dirs += [Path(d) / "fonts" for d in data_dirs if d]
    return dirs


@cache
def _font_files() -> dict[str, Path]:
    """Every font file in the font folders by lower-case file name (first one wins)."""
    found: dict[str, Path] = {}
    for folder in font_dirs():
        if not folder.is_dir():
            continue
        for root, _dirs, files in os.walk(folder):
            for name in files:
                if name.lower().endswith((".ttf", ".ttc")):
                    found.setdefault(name.lower(), Path(root) / name)
    return found


def _find(names: tuple[str, ...]) -> Path | None:
    files = _font_files()
    for name in names:
        path = files.get(name.lower())
        if path is not None:
            return path
    return None


def _register(path: Path) -> str:
    name = f"outreach-{path.stem}"
    try:
        pdfmetrics.getFont(name)
    except KeyError:
        pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name


def font_key(script: str, lang: str) -> str:
    """The fonts.toml entry for ``script`` as written in ``lang`` (Urdu: Nastaliq)."""
    if script == ARABIC:
        return _font_table()[1].get(lang, ARABIC)
    return script


@cache
def fonts_for(key: str) -> ScriptFonts:
    """Register and return the fonts for a fonts.toml entry, or say what to install."""
    table, _styles = _font_table()
    candidates = table[key]
    regular = _find(candidates.regular)
    if regular is None:
        raise FontMissingError(
            _(
                "No font for {script} text was found. Install the font “{family}” "
                "(for example the fonts-noto-core package on Debian or Ubuntu) and try again."
            ).format(script=_script_name(key), family=candidates.family)
        )
    bold = _find(candidates.bold) or regular
    return ScriptFonts(_register(regular), _register(bold))


def _script_name(key: str) -> str:
    names = {
        LATIN: _("Latin and Cyrillic"),
        ARABIC: _("Arabic-script"),
        "arabic-nastaliq": _("Urdu (Nastaliq)"),
        BENGALI: _("Bengali"),
        GURMUKHI: _("Gurmukhi (Punjabi)"),
    }
    return names.get(key, key)


def scripts_needed(text: str) -> set[str]:
    """The scripts in ``text`` that need a font (always includes Latin)."""
    found = {LATIN}
    for ch in set(text):
        script = char_script(ch)
        if script:
            found.add(script)
    return found


def has_glyph(font_name: str, ch: str) -> bool:
    """True when the registered font carries a glyph for ``ch``."""
    face = pdfmetrics.getFont(font_name).face
    return ord(ch) in face.charToGlyph


def clear_caches() -> None:
    """Forget found font files (tests point OUTREACH_FONT_DIR elsewhere)."""
    from outreach.leaflets import textflow

    textflow._font_for.cache_clear()
    _font_files.cache_clear()
    fonts_for.cache_clear()
    _font_table.cache_clear()
