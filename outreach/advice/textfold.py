"""Fold text for search: ignore case and accents, keep what makes words distinct.

Latin, Greek and Cyrillic lose their accents (``włamanie`` and ``wlamanie`` match);
Arabic-script text loses its short-vowel marks and tatweel, and letter variants that
Arabic and Urdu keyboards type differently are unified; Indic vowel signs and viramas
are kept, because they are part of the word, not decoration.
"""

from __future__ import annotations

import unicodedata

_LETTER_MAP = str.maketrans(
    {
        "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe",
        "ı": "i", "ħ": "h", "ŧ": "t",
        # Arabic script: hamza carriers and regional letter forms
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ې": "ي", "ئ": "ي",
        "ك": "ک", "ة": "ه", "ۃ": "ه", "ہ": "ه", "ۀ": "ه", "ھ": "ه", "ؤ": "و", "ۓ": "ے",
        "ـ": None,  # tatweel
        "\u200c": None, "\u200d": None, "\u00ad": None,  # joiners and soft hyphen
    }
)  # fmt: skip

_LATIN_LIKE_END = 0x0530  # Latin, IPA, Greek, Cyrillic, Armenian start here


def _is_arabic_mark(ch: str) -> bool:
    code = ord(ch)
    return 0x064B <= code <= 0x065F or code == 0x0670 or 0x06D6 <= code <= 0x06ED


def fold(text: str) -> str:
    """Return ``text`` lower-cased, with accents and script variants folded away."""
    text = unicodedata.normalize("NFKD", text.casefold())
    out: list[str] = []
    base = ""
    for ch in text:
        if unicodedata.combining(ch):
            if base and ord(base) < _LATIN_LIKE_END:
                continue
            if _is_arabic_mark(ch):
                continue
            out.append(ch)
            continue
        digit = unicodedata.digit(ch, None) if not ch.isascii() else None
        if digit is not None and unicodedata.category(ch) == "Nd":
            ch = str(digit)
        base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).translate(_LETTER_MAP)
