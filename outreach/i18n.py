"""User-interface language: gettext catalogues through Babel, and locale-aware formatting.

Import explicitly: ``from outreach.i18n import _, ngettext``. The UI language can change
at run time; code that shows text re-reads it through :func:`_` after
:func:`set_ui_language` has notified its listeners.

Catalogues live in ``translations/<lang>/LC_MESSAGES/outreach.po``. A compiled ``.mo``
beside a ``.po`` is used when it is at least as new; otherwise the ``.po`` is compiled in
memory, so a source checkout needs no build step. The installer ships the ``.mo`` alone.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from outreach.paths import translations_dir

if TYPE_CHECKING:
    import babel

DOMAIN = "outreach"
SOURCE_LANGUAGE = "en"

_lock = threading.Lock()
_current: gettext.NullTranslations = gettext.NullTranslations()
_current_code = SOURCE_LANGUAGE
_listeners: list[Callable[[str], None]] = []


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def _(message: str) -> str:
    """Translate ``message`` into the current UI language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a plural form chosen by ``n``."""
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in a context (for short, ambiguous strings)."""
    return _current.pgettext(context, message)


def without_accelerator(label: str) -> str:
    """A translated label without its keyboard accelerator: no ``&``, no ``(&X)`` key.

    For a control shown where another one already uses that key.
    """
    label = re.sub(r"\s*\(&[^&]\)", "", label)
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


def normalise_code(code: str) -> str:
    """Return a language code in the project's form (``pt_PT``, ``pa_Guru``)."""
    return code.strip().replace("-", "_")


def _catalogue_path(code: str) -> Path:
    return translations_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def available_ui_languages() -> tuple[str, ...]:
    """Language codes with a UI catalogue, English first."""
    root = translations_dir()
    found = sorted({p.parent.parent.name for p in root.glob(f"*/LC_MESSAGES/{DOMAIN}.[mp]o")})
    return (SOURCE_LANGUAGE, *[c for c in found if c != SOURCE_LANGUAGE])


def load_translations(code: str) -> gettext.NullTranslations:
    """Load the catalogue for ``code``; English (or an unknown code) gives the identity."""
    code = normalise_code(code)
    po_path = _catalogue_path(code)
    mo_path = po_path.with_suffix(".mo")
    if code == SOURCE_LANGUAGE or not (po_path.exists() or mo_path.exists()):
        return gettext.NullTranslations()
    if mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def ui_language() -> str:
    """The current UI language code."""
    return _current_code


def set_ui_language(code: str) -> str:
    """Switch the UI language and notify listeners; returns the code actually used."""
    global _current, _current_code
    code = normalise_code(code)
    if code != SOURCE_LANGUAGE and code not in available_ui_languages():
        code = SOURCE_LANGUAGE
    translations = load_translations(code)
    with _lock:
        _current, _current_code = translations, code
        listeners = list(_listeners)
    for listener in listeners:
        listener(code)
    return code


def add_language_listener(callback: Callable[[str], None]) -> None:
    """Call ``callback(code)`` after every UI language change."""
    with _lock:
        _listeners.append(callback)


def remove_language_listener(callback: Callable[[str], None]) -> None:
    """Stop calling ``callback`` on language changes."""
    with _lock:
        if callback in _listeners:
            _listeners.remove(callback)


# English is British English here: dates like 25/11/2026, not 11/25/26.
FORMAT_LOCALES = {"en": "en_GB"}


def format_locale(code: str) -> str:
    """The locale whose conventions format dates and numbers for ``code``."""
    code = normalise_code(code)
    return FORMAT_LOCALES.get(code, code)


@cache
def babel_locale(code: str) -> babel.Locale:
    """The Babel locale for a project language code (British English for ``en``).

    Babel is imported here, on first use: it pulls in ``decimal`` and its plural rules,
    which the first window does not need (language names come from the content cache).
    """
    import babel

    return babel.Locale.parse(format_locale(code))


def is_rtl(code: str) -> bool:
    """True when the language is written right to left."""
    if normalise_code(code).split("_")[0] == SOURCE_LANGUAGE:
        return False  # English: no need to load CLDR's locale data to know it (start-up)
    import babel

    try:
        return babel_locale(code).text_direction == "rtl"
    except (ValueError, babel.UnknownLocaleError):
        return False


_names: dict[tuple[str, str], str] = {}


def preload_language_names(names: dict[tuple[str, str], str]) -> None:
    """Seed the name table (e.g. from the content cache) to spare loading CLDR data."""
    _names.update(names)


def language_names() -> dict[tuple[str, str], str]:
    """Every (language, display language) name worked out so far."""
    return dict(_names)


def language_name(code: str, in_language: str | None = None) -> str:
    """The language's name, in ``in_language`` (default: the current UI language)."""
    key = (normalise_code(code), normalise_code(in_language or _current_code))
    name = _names.get(key)
    if name is None:
        name = _names[key] = _cldr_language_name(*key)
    return name


def _cldr_language_name(code: str, in_language: str) -> str:
    import babel

    display = babel_locale(in_language)
    try:
        name = babel.Locale.parse(code).get_display_name(display) or code
    except (ValueError, babel.UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def native_language_name(code: str) -> str:
    """The language's name in itself (e.g. ``Polski`` for ``pl``)."""
    return language_name(code, code)


def format_date(value: dt.date, fmt: str = "medium", lang: str | None = None) -> str:
    """A date in the UI (or given) language's conventions."""
    from babel import dates as babel_dates  # imported on first use: it is slow to load

    return babel_dates.format_date(value, format=fmt, locale=babel_locale(lang or _current_code))


def format_number(value: float, lang: str | None = None) -> str:
    """A number with the UI (or given) language's separators and digits."""
    if type(value) is int and 0 <= value < 1000:
        # Written the same in every locale (Babel uses Latin digits, and no grouping below
        # a thousand); spares loading CLDR's locale data for the status bar at start-up.
        return str(value)
    from babel import numbers as babel_numbers

    return babel_numbers.format_decimal(value, locale=babel_locale(lang or _current_code))


def language_label(code: str) -> str:
    """A language as a picker shows it: its own name, then the name in the UI language."""
    native = native_language_name(code)
    local = language_name(code)
    return native if native == local else f"{native} — {local}"
