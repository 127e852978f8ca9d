"""The business security report: a completed premises survey, for the owner, as PDF."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field, replace

from reportlab.platypus import Flowable, KeepTogether, Spacer

from outreach.advice.library import AdviceLibrary
from outreach.engagements.survey import Recommendation, SurveyResult
from outreach.i18n import _, is_rtl
from outreach.leaflets.compose import (
    BLUE,
    INK,
    MUTED,
    NAVY,
    PANEL,
    RULE,
    Layout,
    Leaflet,
    LeafletError,
    LeafletRequest,
    OfficerContact,
    _Builder,
    long_date,
    table,
)
from outreach.leaflets.textflow import Para, Span

HIGH, MEDIUM = 2.0, 1.0  # recommendation priority (weight x shortfall) thresholds


@dataclass(frozen=True)
class ReportRequest:
    """A completed survey and how to print it."""

    business_name: str
    sector_name: str
    venue: str
    visit_date: dt.date
    officer: str
    result: SurveyResult
    follow_up_date: dt.date | None
    lang: str = "en"
    contact: OfficerContact = field(default_factory=OfficerContact)
    qr_url: str = ""


def priority_key(rec: Recommendation) -> str:
    """The printed priority band of a recommendation."""
    if rec.priority >= HIGH:
        return "report_priority_high"
    if rec.priority >= MEDIUM:
        return "report_priority_medium"
    return "report_priority_low"


class ScoreBars(Flowable):
    """Score per section as horizontal bars, 0-100 %, mirrored for right-to-left."""

    def __init__(self, rows: list[tuple[str, float | None]], lang: str, size: float) -> None:
        super().__init__()
        self.rows = rows
        self.lang = lang
        self.size = size
        self.rtl = is_rtl(lang)
        self.bar_height = size * 1.25
        self.gap = size * 0.7

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = len(self.rows) * (self.bar_height + self.gap)
        return availWidth, self.height

    def draw(self) -> None:
        from outreach.leaflets.textflow import TextStyle

        canvas = self.canv
        label_width = self.width * 0.36
        value_width = self.size * 3.4
        bar_space = self.width - label_width - value_width - 8
        y = self.height
        for name, score in self.rows:
            y -= self.bar_height + self.gap
            label = Para(name, TextStyle(lang="en", size=self.size * 0.95, color=INK))
            _w, h = label.wrap(label_width - 6, self.bar_height * 2)
            value = "–" if score is None else f"{score:.0f}%"
            value_para = Para(value, TextStyle(lang="en", size=self.size, bold=True, color=NAVY))
            value_para.wrap(value_width, self.bar_height)
            fill = BLUE if (score or 0) >= 70 else (NAVY if (score or 0) >= 40 else MUTED)
            length = bar_space * (score or 0) / 100
            if self.rtl:
                label_x = self.width - label_width
                bar_right = label_x - 6
                canvas.setFillColor(PANEL)
                canvas.rect(bar_right - bar_space, y, bar_space, self.bar_height, stroke=0, fill=1)
                canvas.setFillColor(fill)
                canvas.rect(bar_right - length, y, length, self.bar_height, stroke=0, fill=1)
                value_x = bar_right - bar_space - value_width - 4
            else:
                label_x = 0
                bar_left = label_width
                canvas.setFillColor(PANEL)
                canvas.rect(bar_left, y, bar_space, self.bar_height, stroke=0, fill=1)
                canvas.setFillColor(fill)
                canvas.rect(bar_left, y, length, self.bar_height, stroke=0, fill=1)
                value_x = bar_left + bar_space + 6
            label.drawOn(canvas, label_x, y + (self.bar_height - h) / 2)
            value_para.drawOn(canvas, value_x, y + 1)


class _ReportBuilder(_Builder):
    def __init__(self, library: AdviceLibrary, report: ReportRequest) -> None:
        topics: dict[str, None] = {}
        for rec in report.result.recommendations:
            for topic_id in rec.topics:
                if library.topic(topic_id) is not None:
                    topics.setdefault(topic_id)
        request = LeafletRequest(
            topics=tuple(topics),
            lang=report.lang,
            layout=Layout.A4,
            contact=report.contact,
            qr_url=report.qr_url,
        )
        super().__init__(library, request)
        self.report = report

    @property
    def columns(self) -> int:
        return 1

    def title(self, lang: str) -> str:
        return self.phrase("report_title", lang)

    def tailored_line(self, lang: str) -> list[Span]:
        report = self.report
        name = report.business_name or report.venue
        date = long_date(report.visit_date, lang)
        return [Span(name, isolate=True), Span("  ·  "), Span(date)] if name else [Span(date)]

    def details(self) -> Flowable:
        report = self.report
        lang = self.request.lang
        label = self.style(lang, bold=True, color=NAVY)
        value = self.style(lang)

        def named(*names: str) -> list[Span]:
            spans: list[Span] = []
            for name in filter(None, names):
                if spans:
                    spans.append(Span("  ·  ", color=MUTED))
                spans.append(Span(name, isolate=True))
            return spans

        visit = named(report.venue)
        if visit:
            visit.append(Span("  ·  ", color=MUTED))
        visit.append(Span(long_date(report.visit_date, lang)))
        rows = [
            ("report_business", named(report.business_name, report.sector_name)),
            ("report_visit", visit),
            ("report_officer", named(report.officer)),
        ]
        overall = report.result.overall
        if overall is not None:
            rows.append(("report_overall", [Span(f"{overall:.0f}%", isolate=True)]))
        data = []
        for key, spans in rows:
            if not spans:
                continue
            cells = [Para(self.phrase(key, lang), label), Para(spans, value)]
            data.append(cells[::-1] if is_rtl(lang) else cells)
        width = self.column_width()
        widths = [width * 0.3, width * 0.7]
        details = table(
            data,
            widths[::-1] if is_rtl(lang) else widths,
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ],
        )
        return details

    def heading(self, key: str, **values: str) -> Para:
        sizes = self.sizes
        lang = self.request.lang
        return Para(
            self.phrase(key, lang, **values),
            self.style(
                lang,
                sizes.heading,
                bold=True,
                color=NAVY,
                space_before=sizes.body * 1.3,
                space_after=sizes.body * 0.5,
                keep_with_next=True,
            ),
        )

    def recommendations(self) -> list[Flowable]:
        sizes = self.sizes
        lang = self.request.lang
        flow: list[Flowable] = [self.heading("report_recommendations")]
        band = None
        for number, rec in enumerate(self.report.result.recommendations, 1):
            key = priority_key(rec)
            if key != band:
                band = key
                flow.append(
                    Para(
                        self.phrase(key, lang),
                        self.style(
                            lang,
                            sizes.subheading,
                            bold=True,
                            color=BLUE,
                            space_before=sizes.body * 0.6,
                            space_after=sizes.body * 0.2,
                            keep_with_next=True,
                        ),
                    )
                )
            titles = [
                self._text(topic, lang).title
                for topic in (self.library.topic(t) for t in rec.topics)
                if topic is not None
            ]
            item = [
                Para(
                    [Span(f"{number}. ", bold=True, color=NAVY), Span(rec.text)],
                    self.style("en", space_after=1),
                )
            ]
            if titles:
                item.append(
                    Para(
                        " · ".join(titles),
                        self.style(
                            lang, sizes.body * 0.9, color=MUTED, space_after=sizes.body * 0.4
                        ),
                    )
                )
            flow.append(KeepTogether(item))
        return flow

    def story(self) -> list[Flowable]:
        report = self.report
        lang = self.request.lang
        flow: list[Flowable] = [self.details(), self.heading("report_score")]
        rows = [(s.name, s.score) for s in report.result.sections]
        flow.append(ScoreBars(rows, lang, self.sizes.body))
        if report.result.recommendations:
            flow += self.recommendations()
        if report.follow_up_date:
            flow.append(Spacer(1, self.sizes.body))
            flow.append(
                Para(
                    self.phrase(
                        "report_follow_up", lang, date=long_date(report.follow_up_date, lang)
                    ),
                    self.style(lang, self.sizes.subheading, bold=True, color=NAVY),
                )
            )
        if self.topics:
            flow.append(self.heading("report_advice"))
            for topic in self.topics:
                flow += [f for section in self.topic_sections(topic, lang, False) for f in section]
        flow += self.helplines()
        flow.append(self.back_panel())
        return flow


def render_report(library: AdviceLibrary, report: ReportRequest) -> Leaflet:
    """Lay out the business security report and return its PDF."""
    lang = library.resolve_language(report.lang)
    if lang is None:
        raise LeafletError(
            _("Unknown content language {code!r}. Known languages: {known}.").format(
                code=report.lang, known=", ".join(library.languages)
            )
        )
    report = replace(report, lang=lang)
    builder = _ReportBuilder(library, report)
    out = io.BytesIO()
    doc = builder.document(out)
    builder.build(doc)
    return Leaflet(
        pdf=out.getvalue(),
        pages=doc.page,
        topics=builder.request.topics,
        languages=(lang,),
        title=builder.title(lang),
    )
