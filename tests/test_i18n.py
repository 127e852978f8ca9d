"""UI catalogues: complete, placeholders intact, the template in step with the code."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from outreach import i18n
from outreach.paths import translations_dir

PLACEHOLDER = re.compile(r"\{[^{}]*\}")
CATALOGUES = sorted(translations_dir().glob("*/LC_MESSAGES/outreach.po"))
REPO = Path(__file__).resolve().parent.parent


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh, locale=path.parent.parent.name)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_there_are_catalogues_for_polish_and_arabic():
    assert {"pl", "ar"} <= {p.parent.parent.name for p in CATALOGUES}
    assert {"en", "pl", "ar"} <= set(i18n.available_ui_languages())


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_placeholders_match_english(path):
    for message in _read(path):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, tuple):
            allowed = _placeholders(message.id[0]) | _placeholders(message.id[1])
            for form in message.string:
                assert _placeholders(form) <= allowed, (message.id, form)
        else:
            assert _placeholders(message.string) == _placeholders(message.id), message.id


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_catalogue_is_complete_for_the_template(path):
    template = _read_template()
    catalogue = _read(path)
    missing = [
        m.id
        for m in template
        if m.id and not (catalogue.get(m.id) and _translated(catalogue.get(m.id)))
    ]
    assert missing == [], f"{path.parent.parent.name} lacks {missing}"


def _translated(message) -> bool:
    if isinstance(message.string, tuple):
        return all(message.string)
    return bool(message.string) and not message.fuzzy


def _read_template():
    with (translations_dir() / "outreach.pot").open("rb") as fh:
        return read_po(fh)


def test_template_is_in_step_with_the_code(tmp_path):
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "-k", "pgettext:1c,2",
         "--no-location", "-o", str(out), "outreach"],
        check=True, cwd=REPO, capture_output=True,
    )  # fmt: skip
    with out.open("rb") as fh:
        fresh = {m.id for m in read_po(fh) if m.id}
    shipped = {m.id for m in _read_template() if m.id}
    assert fresh == shipped, "run: python scripts/i18n.py extract && python scripts/i18n.py update"


def test_switching_language_translates_and_notifies():
    seen = []
    i18n.add_language_listener(seen.append)
    try:
        assert i18n.set_ui_language("pl") == "pl"
        assert i18n._("Preferences") == "Ustawienia"
        assert i18n.ngettext("{n} topic", "{n} topics", 5).format(n=5) == "5 tematów"
        assert i18n.set_ui_language("ar") == "ar"
        assert i18n._("Preferences") == "التفضيلات"
        assert i18n.set_ui_language("xx") == "en"
        assert i18n._("Preferences") == "Preferences"
    finally:
        i18n.remove_language_listener(seen.append)
    assert seen == ["pl", "ar", "en"]


def test_locale_formatting_and_direction():
    date = dt.date(2026, 11, 25)
    assert i18n.format_date(date, lang="pl") == "25 lis 2026"
    assert "2026" in i18n.format_date(date, lang="ar")
    assert i18n.format_number(1234567, lang="en") == "1,234,567"
    assert i18n.is_rtl("ar") and i18n.is_rtl("ur")
    assert not i18n.is_rtl("pl") and not i18n.is_rtl("pa_Guru")
    assert i18n.native_language_name("pl") == "Polski"
    assert i18n.language_name("bn", "en") == "Bangla"


def test_the_start_up_shortcuts_agree_with_babel():
    """Small whole numbers and English's direction skip CLDR's data: the same answers."""
    from babel import numbers
    from babel.localedata import locale_identifiers

    from outreach.advice import load_library

    languages = {*i18n.available_ui_languages(), *load_library().languages}
    for lang in languages:
        babel_locale = i18n.babel_locale(lang)
        for n in (*range(0, 1000), 1000, 12345, -1, 2.5):
            expected = numbers.format_decimal(n, locale=babel_locale)
            assert i18n.format_number(n, lang=lang) == expected, (lang, n)
    english = [code for code in locale_identifiers() if code.split("_")[0] == "en"]
    assert "en_GB" in english
    for code in english:
        assert i18n.babel_locale(code).text_direction == "ltr", code
        assert not i18n.is_rtl(code)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_no_accelerator_splits_a_letter_from_its_vowel_sign(path):
    """Qt underlines the accelerator as a run of its own, so a letter marked with ``&``
    is cut from the vowel sign or virama after it: Bengali and Gurmukhi show a dotted
    circle and the label overflows. Those catalogues put an ASCII key in brackets,
    "নাম (&N):", which an officer can also type on a UK keyboard."""
    import unicodedata

    for message in _read(path):
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            for match in re.finditer(r"(?<!&)&([^&])(.?)", text or ""):
                follower = match.group(2)
                assert not follower or unicodedata.category(follower) not in ("Mn", "Mc"), (
                    f"{path.parent.parent.name}: {text!r}"
                )


@pytest.mark.parametrize(
    ("label", "plain"),
    [
        ("&Print a test page", "Print a test page"),
        ("পরীক্ষার পৃষ্ঠা প্রিন্ট করুন (&P)", "পরীক্ষার পৃষ্ঠা প্রিন্ট করুন"),
        ("Export && print", "Export & print"),
        ("ال&لقاءات", "اللقاءات"),
    ],
)
def test_a_label_without_its_accelerator(label, plain):
    assert i18n.without_accelerator(label) == plain
