"""Line order inside mixed right-to-left and left-to-right text."""

from __future__ import annotations

from outreach.leaflets.textflow import Para, Span, TextStyle, _reorder, _resolve_neutrals


def visual(spans, lang="ar", width=2000):
    para = Para(spans, TextStyle(lang=lang, rtl=lang in ("ar", "ur"), size=10))
    para.wrap(width, 1000)
    return [[run.text for run, _gap in para._visual(line)[0]] for line in para._lines]


def test_reorder_follows_unicode_rule_l2():
    assert _reorder([0, 0, 0]) == [0, 1, 2]
    assert _reorder([1, 1, 1]) == [2, 1, 0]
    # Left-to-right words inside right-to-left text keep their own order.
    assert _reorder([1, 2, 2, 2, 1]) == [4, 1, 2, 3, 0]


def test_neutrals_take_the_direction_around_them():
    assert _resolve_neutrals([2, -1, 2], base=1) == [2, 2, 2]
    assert _resolve_neutrals([2, -1, 1], base=1) == [2, 1, 1]
    assert _resolve_neutrals([-1, 1], base=0) == [0, 1]


def test_arabic_runs_right_to_left_with_english_and_numbers_left_to_right():
    (line,) = visual("اتصل بالرقم 0300 123 2040 أو زر Report Fraud اليوم")
    assert line == ["اليوم", "Report", "Fraud", "زر", "أو", "0300", "123", "2040", "بالرقم", "اتصل"]


def test_brackets_are_mirrored_in_right_to_left_text():
    (line,) = visual("مرحبا (هنا) اليوم")
    assert line == ["اليوم", "(", "هنا", ")", "مرحبا"]


def test_an_isolate_stays_whole_and_does_not_pull_its_neighbours():
    (line,) = visual([Span("Patel's Store", isolate=True), Span(" · 20 نوفمبر 2026")])
    # Right to left: the name first (rightmost), then the date, whole and in order.
    assert line[-1] == "Patel's Store"
    assert line.index("2026") < line.index("نوفمبر") < line.index("20")


def test_left_to_right_paragraphs_are_untouched():
    (line,) = visual("Call 101 (non-emergency) now", lang="en")
    assert line == ["Call", "101", "(non-emergency)", "now"]


def test_long_web_addresses_are_broken_to_fit():
    lines = visual([Span("https://www.example.police.uk/" + "a" * 80, isolate=True)], "en", 120)
    assert len(lines) > 1
