"""Premises surveys: checklists are data, answers give scores and ranked recommendations."""

from __future__ import annotations

import datetime as dt

import pytest

from outreach.engagements.model import Kind
from outreach.engagements.service import EngagementError
from outreach.engagements.survey import ChecklistError, load_checklists, score
from tests.conftest import write
from tests.engagements.conftest import stall


def test_every_sector_checklist_loads_and_links_real_topics(library):
    checklists = load_checklists(topic_ids={t.id for t in library.topics})
    assert {"retail", "licensed-premises", "late-night-food", "office", "farm-rural"} <= set(
        checklists
    )
    for checklist in checklists.values():
        assert len(checklist.sections) >= 5
        assert all(q.recommendation for q in checklist.questions)


def test_scores_and_priorities():
    checklist = load_checklists()["retail"]
    first, second = checklist.sections[0], checklist.sections[1]
    answers = {q.id: "yes" for q in first.questions}
    heavy = max(second.questions, key=lambda q: q.weight)
    light = min(second.questions, key=lambda q: q.weight)
    answers[heavy.id] = "no"
    answers[light.id] = "partly"
    result = score(checklist, answers, dt.date(2026, 11, 25))
    assert result.sections[0].score == 100
    assert result.sections[1].score is not None and result.sections[1].score < 100
    assert result.sections[2].score is None, "unanswered sections have no score yet"
    assert result.recommendations[0].question_id == heavy.id
    assert result.recommendations[-1].question_id == light.id
    assert result.follow_up_date > dt.date(2026, 11, 25)


def test_low_scores_propose_an_earlier_follow_up():
    checklist = load_checklists()["office"]
    good = score(checklist, {q.id: "yes" for q in checklist.questions}, dt.date(2026, 1, 1))
    bad = score(checklist, {q.id: "no" for q in checklist.questions}, dt.date(2026, 1, 1))
    assert good.overall == 100 and good.recommendations == ()
    assert bad.overall == 0 and len(bad.recommendations) == len(checklist.questions)
    assert bad.follow_up_date < good.follow_up_date


def test_not_applicable_is_left_out_of_the_score():
    checklist = load_checklists()["retail"]
    section = checklist.sections[0]
    answers = {q.id: "na" for q in section.questions}
    answers[section.questions[0].id] = "yes"
    assert score(checklist, answers, dt.date(2026, 1, 1)).sections[0].score == 100


def test_a_malformed_checklist_is_named(tmp_path):
    root = tmp_path
    write(root / "surveys" / "broken.toml", 'id = "broken"\nname = "B"\n[[section]]\nid = "s"\nname = "S"\n'
          '[[section.question]]\nid = "q"\ntext = "T?"\nweight = 9\nrecommendation = "R"\n')  # fmt: skip
    with pytest.raises(
        ChecklistError, match=r"broken.toml: section 1, question 1: weight must be 1 to 5"
    ):
        load_checklists(root)


def test_survey_from_start_to_recommendations_can_pause_and_resume(services):
    visit = services.engagements.create(
        stall(kind=Kind.PREMISES_VISIT, venue="Corner Shop, 3 Duke St")
    )
    with pytest.raises(EngagementError):
        services.surveys.start(services.engagements.create(stall()), "retail")
    surveys = services.surveys
    survey_id = surveys.start(visit, "retail", "Corner Shop")
    assert surveys.start(visit, "retail") == survey_id, "one survey per visit"
    questions = surveys.checklists["retail"].questions
    surveys.answer(survey_id, questions[0].id, "no")
    # paused here: a new service object (as after a restart) resumes from the database
    state = surveys.state(survey_id)
    assert state.answers == {questions[0].id: "no"} and state.status == "in-progress"
    for question in questions[1:]:
        surveys.answer(survey_id, question.id, "yes")
    with pytest.raises(EngagementError):
        surveys.answer(survey_id, questions[1].id, "maybe")
    result = surveys.complete(survey_id, dt.date(2026, 11, 25))
    assert [r.question_id for r in result.recommendations] == [questions[0].id]
    assert surveys.state(survey_id).follow_up_date == result.follow_up_date
    booked = [f for f in services.engagements.open_follow_ups() if f.engagement_id == visit]
    assert [f.due for f in booked] == [result.follow_up_date], "the revisit is booked once"
    surveys.complete(survey_id, dt.date(2026, 11, 25))
    assert len([f for f in services.engagements.open_follow_ups() if f.engagement_id == visit]) == 1
    assert result.to_json()["recommendations"][0]["topics"] == list(questions[0].topics)
