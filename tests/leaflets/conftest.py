from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

NEEDS_POPPLER = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext, pdffonts) not installed"
)

# pdftotext gives Arabic as presentation forms (NFKC turns them back into letters) with
# bidi marks, vowel marks out of place and its own idea of where neutral punctuation
# goes around an English phrase: compare the letters and digits, in order.


def comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        ch
        for ch in text
        if not ch.isspace()
        and unicodedata.category(ch)[0] not in "MCPS"
        and not 0xE000 <= ord(ch) <= 0xF8FF
    )


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_fonts(path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) for every font the PDF names."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        # name type... emb sub uni object ID: "emb" is the 5th field from the end.
        rows.append((parts[0], parts[-5]))
    return rows


def in_order(haystack: str, needles: list[str]) -> bool:
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True
