"""The advice content: the shipped library is complete and valid; bad files are named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from outreach.advice import load_library
from outreach.advice.model import Status
from tests.conftest import replace_in, write
from tests.helpers import translation

MINIMUM_TOPICS = {
    "burglary-robbery": 5,
    "cyber-fraud": 5,
    "knife-crime": 5,
    "hate-crime": 5,
}


def test_shipped_content_has_no_errors(library):
    assert library.errors == [], "\n".join(map(str, library.errors))


def test_all_fourteen_strands_in_four_themes(library):
    assert [t.id for t in library.themes] == [
        "serious-violence",
        "organised-crime",
        "vulnerabilities",
        "complex-needs",
    ]
    assert len(library.strands) == 14
    assert all(len(library.strands_of(t.id)) in (3, 4) for t in library.themes)
    assert all(s.aim for s in library.strands)


def test_every_strand_has_enough_topics(library):
    assert len(library.topics) >= 50
    for strand in library.strands:
        wanted = MINIMUM_TOPICS.get(strand.id, 3)
        assert len(library.topics_in(strand.id)) >= wanted, strand.id


def test_every_topic_is_complete(library):
    audiences = set(library.audience_ids)
    for topic in library.topics:
        text = topic.english
        assert text.title and text.summary and text.who_can_help, topic.id
        assert 3 <= len(text.steps) <= 10, topic.id
        assert text.if_it_happens, topic.id
        assert set(topic.audiences) <= audiences
        assert topic.signposts and set(topic.signposts) <= set(library.contacts), topic.id
        assert topic.owner


def test_contacts_record_when_they_were_checked(library):
    ids = set(library.contacts)
    assert {"police-emergency", "police-non-emergency", "relay-uk"} <= ids
    assert library.contacts["police-emergency"].phone == "999"
    assert library.contacts["police-non-emergency"].phone == "101"
    for contact in library.contacts.values():
        assert isinstance(contact.checked, dt.date), contact.id
        assert contact.phone or contact.url or contact.sms or contact.email, contact.id


def test_translations_record_their_source_and_status(library):
    for topic in library.topics:
        for lang, text in topic.all_texts().items():
            if lang == "en":
                continue
            assert text.status in (Status.DRAFT, Status.REVIEWED)
            assert len(text.source_hash) == 12


def _problems(content: Path, path_part: str):
    return [p for p in load_library(content).problems if path_part in p.path]


def test_bad_toml_in_header_names_file_and_line(content):
    path = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    replace_in(path, 'owner = "', 'owner = unquoted "')
    problems = _problems(content, "doorstep-crime.en.md")
    assert problems and problems[0].severity == "error"
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "owner" in t)
    assert problems[0].line == line
    assert "header is not valid TOML" in problems[0].message


def test_unknown_strand_audience_and_signpost_are_errors(content):
    path = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    replace_in(path, 'strand = "burglary-robbery"', 'strand = "burglary"')
    replace_in(path, "audiences = [", 'audiences = ["pensioners", ')
    replace_in(path, "signposts = [", 'signposts = ["made-up-helpline", ')
    messages = [p.message for p in _problems(content, "doorstep-crime.en.md")]
    assert "unknown strand 'burglary'" in messages
    assert "unknown audience 'pensioners'" in messages
    assert "signpost 'made-up-helpline' is not in contacts.toml" in messages


def test_missing_and_unknown_sections(content):
    path = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    replace_in(path, "## If it happens", "## When it happens")
    problems = _problems(content, "doorstep-crime.en.md")
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "When it happens" in t)
    assert any(p.line == line and "unknown section" in p.message for p in problems)
    assert any("missing section '## If it happens'" in p.message for p in problems)
    assert load_library(content).topic("doorstep-crime") is None


def test_review_date_must_be_a_date(content):
    path = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    text = path.read_text()
    import re

    path.write_text(re.sub(r"review_due = \S+", 'review_due = "soon"', text, count=1))
    problems = _problems(content, "doorstep-crime.en.md")
    assert any("review_due" in p.message and p.line > 1 for p in problems)


def test_phone_numbers_in_text_are_flagged(content):
    path = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    replace_in(path, "## Who can help\n", "## Who can help\nCall 0800 555 111 today.\n")
    problems = _problems(content, "doorstep-crime.en.md")
    assert any(p.severity == "warning" and "phone number" in p.message for p in problems)


def test_contact_without_checked_date_is_an_error(content):
    path = content / "contacts.toml"
    text = path.read_text()
    path.write_text(text.replace("checked = ", "# checked = ", 1))
    problems = _problems(content, "contacts.toml")
    assert any("'checked'" in p.message for p in problems)


def test_translation_without_english_is_an_error(content):
    write(
        content / "advice/topics/knife-crime/no-such-topic.pl.md",
        '+++\nid = "no-such-topic"\nlang = "pl"\nstatus = "draft"\nsource_hash = "000000000000"\n+++\n'
        "# T\n## Summary\nS\n## Steps\n- a\n## If it happens\n- b\n## Who can help\nc\n",
    )
    problems = _problems(content, "no-such-topic.pl.md")
    assert any("no English file" in p.message for p in problems)


def test_translation_is_draft_then_stale_when_english_changes(content):
    translation(
        content, "doorstep-crime", "pl", title="Przestępczość przy drzwiach", summary="Uwaga."
    )
    library = load_library(content)
    assert library.topic("doorstep-crime").status("pl") is Status.DRAFT
    english = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    replace_in(english, "## Summary\n", "## Summary\nA new first sentence.\n")
    library = load_library(content)
    assert library.topic("doorstep-crime").status("pl") is Status.STALE
    report = next(r for r in library.language_reports() if r.lang == "pl")
    assert report.stale >= 1


def test_missing_translation_counts_against_coverage(content):
    library = load_library(content)
    report = next(r for r in library.language_reports() if r.lang == "lt")
    assert report.topics == len(library.topics)
    assert 0 <= report.coverage <= 100


def test_review_overdue(library):
    topic = library.topics[0]
    assert topic.review_overdue(topic.review_due + dt.timedelta(days=1))
    assert not topic.review_overdue(topic.review_due)


@pytest.mark.parametrize("code, expected", [("pl", "pl"), ("PA-guru", "pa_Guru"), ("pt", "pt_PT")])
def test_language_codes_resolve(library, code, expected):
    assert library.resolve_language(code) == expected
