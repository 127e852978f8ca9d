"""Business premises security surveys: checklists from data files, scores, recommendations."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from outreach.engagements.model import Kind
from outreach.engagements.service import EngagementError
from outreach.i18n import _
from outreach.paths import resources_dir
from outreach.storage.models import EditEvent, Engagement, FollowUp, Survey


class Answer(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
    NOT_APPLICABLE = "na"


ANSWER_VALUE = {Answer.YES: 1.0, Answer.PARTLY: 0.5, Answer.NO: 0.0}


class ChecklistError(Exception):
    """A checklist file is malformed; the message names the file and the problem."""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    weight: int
    recommendation: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    id: str
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Checklist:
    id: str
    name: str
    description: str
    follow_up_days: int
    urgent_follow_up_days: int
    sections: tuple[Section, ...]

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]


def _load_checklist(path: Path, topic_ids: set[str] | None) -> Checklist:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ChecklistError(f"{path}: {exc}") from exc

    def need(container: dict, key: str, kind: type, where: str):
        value = container.get(key)
        if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
            raise ChecklistError(f"{path}: {where} needs {key!r}")
        return value

    sections = []
    seen: set[str] = set()
    for s_index, section in enumerate(data.get("section", []), 1):
        where = f"section {s_index}"
        questions = []
        for q_index, q in enumerate(section.get("question", []), 1):
            q_where = f"{where}, question {q_index}"
            qid = need(q, "id", str, q_where)
            if qid in seen:
                raise ChecklistError(f"{path}: {q_where}: duplicate question id {qid!r}")
            seen.add(qid)
            weight = need(q, "weight", int, q_where)
            if not 1 <= weight <= 5:
                raise ChecklistError(f"{path}: {q_where}: weight must be 1 to 5")
            topics = tuple(q.get("topics", []))
            if topic_ids is not None and set(topics) - topic_ids:
                raise ChecklistError(
                    f"{path}: {q_where}: unknown advice topics {sorted(set(topics) - topic_ids)}"
                )
            questions.append(
                Question(
                    qid,
                    need(q, "text", str, q_where),
                    str(q.get("help", "")),
                    weight,
                    need(q, "recommendation", str, q_where),
                    topics,
                )
            )
        if not questions:
            raise ChecklistError(f"{path}: {where} has no questions")
        sections.append(
            Section(
                need(section, "id", str, where), need(section, "name", str, where), tuple(questions)
            )
        )
    if not sections:
        raise ChecklistError(f"{path}: no [[section]] tables")
    checklist_id = need(data, "id", str, "the file")
    if checklist_id != path.stem:
        raise ChecklistError(f"{path}: id {checklist_id!r} differs from the file name")
    return Checklist(
        checklist_id,
        need(data, "name", str, "the file"),
        str(data.get("description", "")),
        int(data.get("follow_up_days", 90)),
        int(data.get("urgent_follow_up_days", 28)),
        tuple(sections),
    )


def load_checklists(
    root: Path | None = None, topic_ids: set[str] | None = None
) -> dict[str, Checklist]:
    """Every sector checklist in ``root/surveys`` (default: shipped resources), by id."""
    folder = (root or resources_dir()) / "surveys"
    return {p.stem: _load_checklist(p, topic_ids) for p in sorted(folder.glob("*.toml"))}


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    name: str
    score: float | None  # 0-100, None when nothing in it applies
    answered: int
    questions: int


@dataclass(frozen=True)
class Recommendation:
    question_id: str
    section: str
    text: str
    priority: float
    answer: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class SurveyResult:
    overall: float | None
    sections: tuple[SectionScore, ...]
    recommendations: tuple[Recommendation, ...]
    answered: int
    questions: int
    follow_up_date: dt.date

    def to_json(self) -> dict:
        return {
            "overall": None if self.overall is None else round(self.overall, 1),
            "answered": self.answered,
            "questions": self.questions,
            "follow_up_date": self.follow_up_date.isoformat(),
            "sections": [
                {
                    "id": s.section_id,
                    "name": s.name,
                    "score": None if s.score is None else round(s.score, 1),
                    "answered": s.answered,
                    "questions": s.questions,
                }
                for s in self.sections
            ],
            "recommendations": [
                {
                    "question": r.question_id,
                    "section": r.section,
                    "recommendation": r.text,
                    "priority": r.priority,
                    "answer": r.answer,
                    "topics": list(r.topics),
                }
                for r in self.recommendations
            ],
        }


def score(checklist: Checklist, answers: dict[str, str], surveyed_on: dt.date) -> SurveyResult:
    """Scores per section, the prioritised recommendations and a proposed follow-up date."""
    sections = []
    recommendations = []
    total_points = total_possible = 0.0
    answered = 0
    for section in checklist.sections:
        points = possible = 0.0
        section_answered = 0
        for question in section.questions:
            answer = answers.get(question.id)
            if answer is None:
                continue
            section_answered += 1
            if answer == Answer.NOT_APPLICABLE:
                continue
            value = ANSWER_VALUE[Answer(answer)]
            points += question.weight * value
            possible += question.weight
            if value < 1:
                recommendations.append(
                    Recommendation(
                        question.id,
                        section.name,
                        question.recommendation,
                        question.weight * (1 - value),
                        answer,
                        question.topics,
                    )
                )
        answered += section_answered
        total_points += points
        total_possible += possible
        sections.append(
            SectionScore(
                section.id,
                section.name,
                100 * points / possible if possible else None,
                section_answered,
                len(section.questions),
            )
        )
    overall = 100 * total_points / total_possible if total_possible else None
    order = {q.id: i for i, q in enumerate(checklist.questions)}
    recommendations.sort(key=lambda r: (-r.priority, order[r.question_id]))
    days = (
        checklist.urgent_follow_up_days
        if overall is not None and overall < 50
        else checklist.follow_up_days
    )
    return SurveyResult(
        overall,
        tuple(sections),
        tuple(recommendations),
        answered,
        len(checklist.questions),
        surveyed_on + dt.timedelta(days=days),
    )


@dataclass
class SurveyState:
    id: str
    engagement_id: str
    sector: str
    business_name: str
    answers: dict[str, str]
    status: str
    follow_up_date: dt.date | None


class SurveyService:
    """Start, answer (pause and resume) and complete premises surveys."""

    def __init__(self, engine: Engine, checklists: dict[str, Checklist], actor: str) -> None:
        self._engine = engine
        self.checklists = checklists
        self.actor = actor

    def start(self, engagement_id: str, sector: str, business_name: str = "") -> str:
        if sector not in self.checklists:
            raise EngagementError(_("Unknown business sector {sector!r}.").format(sector=sector))
        with Session(self._engine) as session, session.begin():
            engagement = session.get(Engagement, engagement_id)
            if engagement is None or engagement.deleted_at is not None:
                raise EngagementError(
                    _("No engagement {id} on this laptop.").format(id=engagement_id)
                )
            if engagement.kind != Kind.PREMISES_VISIT:
                raise EngagementError(_("A survey belongs to a business premises visit."))
            existing = session.scalar(select(Survey).where(Survey.engagement_id == engagement_id))
            if existing is not None:
                return existing.id
            survey = Survey(
                id=str(uuid.uuid4()),
                engagement_id=engagement_id,
                sector=sector,
                business_name=business_name.strip(),
                answers="{}",
                status="in-progress",
                updated_at=dt.datetime.now().replace(microsecond=0),
            )
            session.add(survey)
            self._log(session, "create", survey.id, {"sector": [None, sector]})
            return survey.id

    def answer(self, survey_id: str, question_id: str, answer: str) -> None:
        """Record one answer (saved at once, so a survey can be paused at any point)."""
        with Session(self._engine) as session, session.begin():
            survey = self._get(session, survey_id)
            checklist = self.checklists[survey.sector]
            if question_id not in {q.id for q in checklist.questions}:
                raise EngagementError(_("Unknown question {id!r}.").format(id=question_id))
            try:
                Answer(answer)
            except ValueError:
                raise EngagementError(
                    _("Unknown answer {answer!r}.").format(answer=answer)
                ) from None
            answers = json.loads(survey.answers)
            old = answers.get(question_id)
            answers[question_id] = answer
            survey.answers = json.dumps(answers, sort_keys=True)
            survey.updated_at = dt.datetime.now().replace(microsecond=0)
            self._log(session, "answer", survey.id, {question_id: [old, answer]})

    def complete(self, survey_id: str, today: dt.date | None = None) -> SurveyResult:
        today = today or dt.date.today()
        with Session(self._engine) as session, session.begin():
            survey = self._get(session, survey_id)
            result = score(self.checklists[survey.sector], json.loads(survey.answers), today)
            first_completion = survey.status != "complete"
            survey.status = "complete"
            survey.follow_up_date = result.follow_up_date
            survey.completed_at = dt.datetime.now().replace(microsecond=0)
            if first_completion:  # book the proposed revisit on the visit's follow-ups
                engagement = session.get(Engagement, survey.engagement_id)
                engagement.follow_ups.append(
                    FollowUp(
                        id=str(uuid.uuid4()),
                        position=len(engagement.follow_ups),
                        description=_("Follow-up visit after the premises security survey"),
                        due=result.follow_up_date,
                    )
                )
                engagement.version += 1
                engagement.updated_at = survey.completed_at
            self._log(session, "complete", survey.id, {"overall": [None, result.overall]})
            return result

    def state(self, survey_id: str) -> SurveyState:
        with Session(self._engine) as session:
            s = self._get(session, survey_id)
            return SurveyState(
                s.id, s.engagement_id, s.sector, s.business_name, json.loads(s.answers), s.status,
                s.follow_up_date,
            )  # fmt: skip

    def for_engagement(self, engagement_id: str) -> str | None:
        with Session(self._engine) as session:
            return session.scalar(select(Survey.id).where(Survey.engagement_id == engagement_id))

    def result(self, survey_id: str, today: dt.date | None = None) -> SurveyResult:
        state = self.state(survey_id)
        return score(self.checklists[state.sector], state.answers, today or dt.date.today())

    def _get(self, session: Session, survey_id: str) -> Survey:
        survey = session.get(Survey, survey_id)
        if survey is None:
            raise EngagementError(_("No survey {id} on this laptop.").format(id=survey_id))
        return survey

    def _log(self, session: Session, action: str, entity_id: str, changes: dict) -> None:
        session.add(
            EditEvent(
                at=dt.datetime.now().replace(microsecond=0),
                actor=self.actor,
                entity="survey",
                entity_id=entity_id,
                action=action,
                changes=json.dumps(changes, default=str),
            )
        )
