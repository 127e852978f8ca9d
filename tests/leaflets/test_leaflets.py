"""Leaflets in every content language: they render, carry their fonts, read in order."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.leaflets import Layout, LeafletError, LeafletRequest, OfficerContact, render_leaflet
from outreach.leaflets.service import record_print, save_pdf
from tests.leaflets.conftest import NEEDS_POPPLER, comparable, in_order, pdf_fonts, pdf_text

TOPIC = "doorstep-crime"
ALL_LANGUAGES = ["en", "pl", "ro", "lt", "pt_PT", "tr", "uk", "ar", "ur", "bn", "pa_Guru"]
# Every script, Indic ones too: lines whose glyphs have no character of their own carry
# their text as ActualText, so they extract (STACK.md saw garbled Bengali without it).
TEXT_CHECKED = ALL_LANGUAGES
CONTACT = OfficerContact("PC 1234 Sam Patel", "Chelmsford Community Policing Team", "101")


@pytest.fixture(scope="module")
def leaflets(library, tmp_path_factory):
    folder = tmp_path_factory.mktemp("leaflets")
    made = {}
    for lang in ALL_LANGUAGES:
        leaflet = render_leaflet(
            library,
            LeafletRequest((TOPIC,), lang, contact=CONTACT, qr_url="https://www.essex.police.uk"),
        )
        made[lang] = (leaflet, save_pdf(leaflet, folder / f"{lang}.pdf"))
    return made


def test_every_language_renders(leaflets):
    for lang in ALL_LANGUAGES:
        leaflet, path = leaflets[lang]
        assert leaflet.pdf.startswith(b"%PDF") and leaflet.pages >= 1, lang
        assert leaflet.languages == (lang,)
        assert path.read_bytes() == leaflet.pdf


@NEEDS_POPPLER
def test_every_font_is_embedded(leaflets):
    for lang in ALL_LANGUAGES:
        fonts = pdf_fonts(leaflets[lang][1])
        assert fonts, lang
        assert all(emb == "yes" for _name, emb in fonts), (lang, fonts)


@NEEDS_POPPLER
def test_each_script_is_set_in_its_own_font(leaflets):
    expected = {
        "ar": "NaskhArabic",
        "ur": "NastaliqUrdu",
        "bn": "SansBengali",
        "pa_Guru": "Gurmukhi",
    }
    for lang, family in expected.items():
        names = " ".join(name for name, _emb in pdf_fonts(leaflets[lang][1]))
        assert family in names, (lang, names)
        assert "NotoSans-" in names, "Latin runs (numbers, web addresses) use the Latin font"


@NEEDS_POPPLER
@pytest.mark.parametrize("lang", TEXT_CHECKED)
def test_title_and_steps_read_in_logical_order(library, tmp_path, lang):
    # One column: pdftotext would mix the lines of two right-to-left columns.
    request = LeafletRequest((TOPIC, "courier-fraud"), lang, layout=Layout.LARGE)
    path = save_pdf(render_leaflet(library, request), tmp_path / "l.pdf")
    text = library.topic(TOPIC).text(lang)
    extracted = comparable(pdf_text(path))
    wanted = [comparable(text.title), *(comparable(step) for step in text.steps)]
    assert in_order(extracted, wanted), lang


def test_bilingual_large_print_and_burglary_near_you(library):
    request = LeafletRequest(
        (),
        "en",
        "ar",
        preset="burglary-near-you",
        layout=Layout.LARGE,
        area="Moulsham Street",
        burglary_date=dt.date(2026, 11, 20),
    )
    leaflet = render_leaflet(library, request)
    assert leaflet.languages == ("en", "ar")
    assert leaflet.topics == library.presets["burglary-near-you"].topics
    assert leaflet.title == "Burglary near you"


@NEEDS_POPPLER
def test_burglary_near_you_prints_area_and_date(library, tmp_path):
    request = LeafletRequest(
        (),
        "en",
        preset="burglary-near-you",
        area="Moulsham Street",
        burglary_date=dt.date(2026, 11, 20),
    )
    path = save_pdf(render_leaflet(library, request), tmp_path / "b.pdf")
    text = comparable(pdf_text(path))
    assert comparable("There has been a burglary in Moulsham Street on 20 November 2026") in text


@NEEDS_POPPLER
def test_large_print_body_is_at_least_16_point(library, tmp_path):
    import subprocess

    path = save_pdf(
        render_leaflet(library, LeafletRequest((TOPIC,), "en", layout=Layout.LARGE)),
        tmp_path / "large.pdf",
    )
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    import re

    heights = [
        float(m.group(2)) - float(m.group(1))
        for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">', bbox)
    ]
    body = sorted(heights)[len(heights) // 2]  # the median word: body text
    assert body >= 16, body


def test_rendering_is_repeatable(library):
    request = LeafletRequest((TOPIC, "phone-and-text-scams"), "bn", visit_date=dt.date(2026, 1, 2))
    assert render_leaflet(library, request).pdf == render_leaflet(library, request).pdf


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (LeafletRequest(("no-such-topic",), "en"), "Unknown topic 'no-such-topic'"),
        (LeafletRequest((TOPIC,), "xx"), "Unknown content language 'xx'"),
        (LeafletRequest((TOPIC,), "en", "zz"), "Unknown content language 'zz'"),
        (LeafletRequest((), "en"), "at least one topic"),
        (LeafletRequest((), "en", preset="nope"), "Unknown leaflet preset 'nope'"),
        (LeafletRequest((TOPIC,), "en", audience="aliens"), "Unknown audience 'aliens'"),
    ],
)
def test_bad_requests_are_named(library, request_, message):
    with pytest.raises(LeafletError, match=message):
        render_leaflet(library, request_)


def test_a_missing_font_names_the_script_and_the_font(library, monkeypatch, tmp_path):
    from outreach.leaflets import FontMissingError, fonts

    monkeypatch.setattr(fonts, "font_dirs", lambda: [tmp_path])
    fonts.clear_caches()
    try:
        with pytest.raises(FontMissingError, match="Noto") as caught:
            render_leaflet(library, LeafletRequest((TOPIC,), "bn"))
        assert "Bengali" in str(caught.value) or "Latin" in str(caught.value)
    finally:
        monkeypatch.undo()
        fonts.clear_caches()


def test_saving_into_a_folder_that_cannot_be_written_is_reported(library, tmp_path):
    leaflet = render_leaflet(library, LeafletRequest((TOPIC,), "en"))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LeafletError, match="Could not save the leaflet"):
        save_pdf(leaflet, blocker / "out.pdf")


def test_a_print_is_counted_per_topic_and_language(library, tmp_path):
    from outreach.services import open_record_services
    from tests.engagements.conftest import stall

    services = open_record_services(tmp_path)
    try:
        engagement = services.engagements.create(stall())
        leaflet = render_leaflet(library, LeafletRequest((TOPIC, "courier-fraud"), "ur", "en"))
        record_print(services.engagements, engagement, leaflet, 3)
        record_print(services.engagements, engagement, leaflet, 2)
        record = services.engagements.get(engagement)
        counts = {(line.topic_id, line.lang): line.count for line in record.data.leaflets}
        assert counts == {
            (TOPIC, "ur"): 5,
            (TOPIC, "en"): 5,
            ("courier-fraud", "ur"): 5,
            ("courier-fraud", "en"): 5,
        }
        assert record.version == 3, "each print is one edit of the engagement"
    finally:
        services.close()
