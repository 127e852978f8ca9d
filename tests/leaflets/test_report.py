"""The business security report for a completed premises survey."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.engagements.model import Kind
from outreach.leaflets.report import priority_key
from outreach.leaflets.service import business_report, save_pdf
from outreach.services import open_record_services
from outreach.settings import Settings
from tests.engagements.conftest import stall
from tests.leaflets.conftest import NEEDS_POPPLER, comparable, in_order, pdf_fonts, pdf_text


@pytest.fixture
def surveyed(tmp_path):
    settings = Settings(officer_name="PC 1234 Sam Patel", team="town-centre")
    services = open_record_services(tmp_path / "data", settings)
    engagement = services.engagements.create(
        stall(kind=Kind.PREMISES_VISIT, venue="12 Moulsham Street, Chelmsford")
    )
    survey = services.surveys.start(engagement, "retail", "Patel's Convenience Store")
    questions = services.surveys.checklists["retail"].questions
    for index, question in enumerate(questions):
        services.surveys.answer(survey, question.id, ("yes", "no", "partly", "yes")[index % 4])
    services.surveys.complete(survey, dt.date(2026, 11, 20))
    yield services, survey, settings
    services.close()


@NEEDS_POPPLER
@pytest.mark.parametrize("lang", ["en", "ar", "bn"])
def test_report_holds_details_scores_ranked_recommendations_and_follow_up(
    library, surveyed, tmp_path, lang
):
    services, survey, settings = surveyed
    report = business_report(
        library, services.engagements, services.surveys, survey, lang, settings
    )
    path = save_pdf(report, tmp_path / f"report-{lang}.pdf")
    assert all(emb == "yes" for _name, emb in pdf_fonts(path))
    text = comparable(pdf_text(path))
    result = services.surveys.result(survey)
    assert comparable("Patel's Convenience Store") in text
    assert comparable(library.phrase("report_title", lang)) in text
    assert comparable(f"{result.overall:.0f}%") in text
    # Recommendations in priority order (their text is English in every report).
    assert in_order(text, [comparable(r.text) for r in result.recommendations[:5]])
    follow_up = services.surveys.state(survey).follow_up_date
    assert follow_up is not None
    from outreach.leaflets.compose import long_date

    assert comparable(long_date(follow_up, lang)) in text


def test_priority_bands():
    from outreach.engagements.survey import Recommendation

    def rec(priority: float) -> Recommendation:
        return Recommendation("q", "s", "t", priority, "no", ())

    assert priority_key(rec(3)) == "report_priority_high"
    assert priority_key(rec(1)) == "report_priority_medium"
    assert priority_key(rec(0.5)) == "report_priority_low"
