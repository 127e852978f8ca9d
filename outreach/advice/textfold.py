"""Fold text for search: ignore case and accents, keep what makes words distinct.

Latin, Greek and Cyrillic lose their accents (``włamanie`` and ``wlamanie`` match);
Arabic-script text loses its short-vowel marks and tatweel, and letter variants that
Arabic and Urdu keyboards type differently are unified; Indic vowel signs and viramas
are kept, because they are part of the word, not decoration. Digits of every script
become ASCII digits.
"""

from __future__ import annotations

import re
import unicodedata

_DELETE = re.compile(
    "["
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"  # accents (after NFKD)
    "\u064b-\u065f\u0670\u06d6-\u06ed"  # Arabic-script short vowels and marks
    "\u0640\u200c\u200d\u00ad"  # tatweel, joiners, soft hyphen
    "]+"
)
_LETTERS = {
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe",
    "ı": "i", "ħ": "h", "ŧ": "t",
    # Arabic script: hamza carriers and regional letter forms
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ې": "ي", "ئ": "ي",
    "ك": "ک", "ة": "ه", "ۃ": "ه", "ہ": "ه", "ۀ": "ه", "ھ": "ه", "ؤ": "و", "ۓ": "ے",
}  # fmt: skip
# Decimal digits of every script (Arabic-Indic, Bengali, Gurmukhi, ...) become ASCII.
_LETTERS.update(
    {
        chr(code): str(unicodedata.digit(chr(code)))
        for code in range(0x0660, 0x1100)
        if unicodedata.category(chr(code)) == "Nd"
    }
)
_REPLACE = re.compile("[" + "".join(re.escape(k) for k in _LETTERS) + "]")


def _replace(match: re.Match[str]) -> str:
    return _LETTERS[match.group()]


def fold(text: str) -> str:
    """Return ``text`` lower-cased, with accents and script variants folded away."""
    if text.isascii():
        return text.lower()
    folded = _DELETE.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return unicodedata.normalize("NFC", _REPLACE.sub(_replace, folded))
