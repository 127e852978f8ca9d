"""HQ's reports: the same figures for the dashboard, the spreadsheet, CSV and the PDF.

Deleted engagements (tombstones) are never counted. Demo engagements (``outreach demo``,
made to try the app out) are left out unless asked for, so a laptop that was tried out
before it went live cannot inflate the force's figures; the summary says how many.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select

from outreach.hq.schema import concern, engagement, laptop, leaflet, strand
from outreach.i18n import _

Names = Callable[[str, str], str]  # (kind: "strand"|"district"|"team"|"language", id) -> name

ENGAGEMENT_COLUMNS = (
    "id", "version", "laptop_id", "kind", "starts_at", "ends_at", "venue", "district",
    "officer", "team", "people_engaged", "strands", "audiences", "partners",
    "doors_knocked", "doors_answered", "doors_leafleted", "is_demo", "updated_at",
)  # fmt: skip


def plain_names(_kind: str, ident: str) -> str:
    return ident


def report_names(library, reference) -> Names:
    """Names of strands (advice library), districts and teams (reference lists) and
    languages (CLDR, in English) for reports and the dashboard."""
    from babel import Locale

    strands = {s.id: s.name for s in library.strands}

    def names(kind: str, ident: str) -> str:
        if kind == "strand":
            return strands.get(ident, ident)
        if kind == "language":
            try:
                return Locale.parse(ident.replace("-", "_")).get_display_name("en") or ident
            except (ValueError, TypeError):
                return ident
        if kind in ("district", "team"):
            return reference.name(kind, ident)
        return ident

    return names


@dataclass
class Summary:
    """The figures every report and the dashboard show."""

    engagements: int = 0
    people: int = 0
    leaflets: int = 0
    demo_left_out: int = 0  # live demo engagements not counted
    include_demo: bool = False
    laptops: int = 0
    deleted: int = 0
    by_strand: list[tuple[str, int, int]] = field(default_factory=list)
    by_district: list[tuple[str, int, int]] = field(default_factory=list)
    by_team: list[tuple[str, int, int]] = field(default_factory=list)
    by_month: list[tuple[str, int, int]] = field(default_factory=list)
    by_strand_month: list[tuple[str, str, int, int]] = field(default_factory=list)
    leaflets_by_language: list[tuple[str, int]] = field(default_factory=list)
    you_said_we_did: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "engagements": self.engagements,
            "people": self.people,
            "leaflets": self.leaflets,
            "laptops": self.laptops,
            "deleted": self.deleted,
            "demo_left_out": self.demo_left_out,
            "by_strand": [list(r) for r in self.by_strand],
            "by_district": [list(r) for r in self.by_district],
            "by_team": [list(r) for r in self.by_team],
            "by_month": [list(r) for r in self.by_month],
            "leaflets_by_language": [list(r) for r in self.leaflets_by_language],
            "concerns": len(self.you_said_we_did),
        }


def _counted(include_demo: bool):
    """The engagements a report counts: live ones, and demo ones only when asked for."""
    live = engagement.c.deleted.is_(False)
    return live if include_demo else live & engagement.c.is_demo.is_not(True)


def summarise(
    engine: Engine, concerns_limit: int | None = None, include_demo: bool = False
) -> Summary:
    """Read the figures from HQ's database (demo engagements only with ``include_demo``)."""
    e = engagement
    live = _counted(include_demo)
    people = func.coalesce(func.sum(e.c.people_engaged), 0)
    summary = Summary(include_demo=include_demo)
    with engine.connect() as c:
        summary.engagements, summary.people = c.execute(
            select(func.count(), people).where(live)
        ).one()
        summary.deleted = c.execute(select(func.count()).where(e.c.deleted.is_(True))).scalar_one()
        if not include_demo:
            summary.demo_left_out = c.execute(
                select(func.count()).where(e.c.deleted.is_(False), e.c.is_demo.is_(True))
            ).scalar_one()
        summary.laptops = c.execute(select(func.count()).select_from(laptop)).scalar_one()
        summary.leaflets = c.execute(
            select(func.coalesce(func.sum(leaflet.c.count), 0))
            .join(e, e.c.id == leaflet.c.engagement_id)
            .where(live)
        ).scalar_one()
        summary.by_strand = [
            tuple(r)
            for r in c.execute(
                select(strand.c.strand_id, func.count(), people)
                .join(e, e.c.id == strand.c.engagement_id)
                .where(live)
                .group_by(strand.c.strand_id)
                .order_by(func.count().desc(), strand.c.strand_id)
            )
        ]
        for column, target in ((e.c.district, "by_district"), (e.c.team, "by_team")):
            setattr(
                summary,
                target,
                [
                    tuple(r)
                    for r in c.execute(
                        select(column, func.count(), people)
                        .where(live)
                        .group_by(column)
                        .order_by(func.count().desc(), column)
                    )
                ],
            )
        summary.by_month = [
            tuple(r)
            for r in c.execute(
                select(e.c.month, func.count(), people)
                .where(live)
                .group_by(e.c.month)
                .order_by(e.c.month)
            )
        ]
        summary.by_strand_month = [
            tuple(r)
            for r in c.execute(
                select(strand.c.strand_id, e.c.month, func.count(), people)
                .join(e, e.c.id == strand.c.engagement_id)
                .where(live)
                .group_by(strand.c.strand_id, e.c.month)
                .order_by(strand.c.strand_id, e.c.month)
            )
        ]
        summary.leaflets_by_language = [
            tuple(r)
            for r in c.execute(
                select(leaflet.c.lang, func.sum(leaflet.c.count))
                .join(e, e.c.id == leaflet.c.engagement_id)
                .where(live)
                .group_by(leaflet.c.lang)
                .order_by(func.sum(leaflet.c.count).desc(), leaflet.c.lang)
            )
        ]
        query = (
            select(e.c.starts_at, e.c.district, e.c.team, concern.c.raised, concern.c.action,
                   concern.c.status)
            .join(e, e.c.id == concern.c.engagement_id)
            .where(live)
            .order_by(e.c.starts_at.desc(), concern.c.position)
        )  # fmt: skip
        if concerns_limit is not None:
            query = query.limit(concerns_limit)
        summary.you_said_we_did = [
            (str(r[0])[:10], r[1], r[2], r[3], r[4], r[5]) for r in c.execute(query)
        ]
    return summary


def engagement_rows(engine: Engine, include_demo: bool = False) -> Iterator[tuple]:
    """Every counted engagement as a flat row (ENGAGEMENT_COLUMNS order)."""
    columns = [engagement.c[name] for name in ENGAGEMENT_COLUMNS]
    with engine.connect() as c:
        result = c.execution_options(stream_results=True, yield_per=5000).execute(
            select(*columns)
            .where(_counted(include_demo))
            .order_by(engagement.c.starts_at, engagement.c.id)
        )
        for row in result:
            yield tuple(row)


class ReportError(Exception):
    """A report cannot be written; the message says why."""


def write_report(
    engine: Engine, out: Path, names: Names = plain_names, include_demo: bool = False
) -> Summary:
    """Write a report whose kind follows ``out``'s suffix: .xlsx, .csv or .pdf."""
    suffix = out.suffix.lower()
    writers = {".xlsx": write_xlsx, ".csv": write_csv, ".pdf": write_pdf}
    if suffix not in writers:
        raise ReportError(
            _("Cannot write a {suffix!r} report: name a .xlsx, .csv or .pdf file.").format(
                suffix=suffix
            )
        )
    summary = summarise(engine, include_demo=include_demo)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(out.name + ".part")
    try:
        writers[suffix](engine, summary, temp, names)
        temp.replace(out)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ReportError(
            _("The report cannot be written to {path} ({error}).").format(
                path=out, error=exc.strerror or exc
            )
        ) from exc
    return summary


def write_csv(engine: Engine, summary: Summary, out: Path, names: Names) -> None:
    """Every counted engagement, one row each, for a spreadsheet (UTF-8 with BOM for Excel)."""
    with open(out, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(ENGAGEMENT_COLUMNS)
        writer.writerows(engagement_rows(engine, summary.include_demo))


def write_xlsx(engine: Engine, summary: Summary, out: Path, names: Names) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)

    def sheet(title: str, header: tuple, rows) -> None:
        ws = book.create_sheet(title[:31])
        ws.append(list(header))
        for row in rows:
            ws.append(list(row))

    sheet(_("Engagements"), ENGAGEMENT_COLUMNS, engagement_rows(engine, summary.include_demo))
    sheet(
        _("By strand and month"),
        (_("Strand"), _("Month"), _("Engagements"), _("People engaged")),
        ((names("strand", s), m, n, p) for s, m, n, p in summary.by_strand_month),
    )
    sheet(
        _("By district"),
        (_("District"), _("Engagements"), _("People engaged")),
        ((names("district", d), n, p) for d, n, p in summary.by_district),
    )
    sheet(
        _("By team"),
        (_("Team"), _("Engagements"), _("People engaged")),
        ((names("team", t), n, p) for t, n, p in summary.by_team),
    )
    sheet(
        _("You said, we did"),
        (_("Date"), _("District"), _("Team"), _("You said"), _("We did"), _("Status")),
        ((d, names("district", di), names("team", t), r, a, s)
         for d, di, t, r, a, s in summary.you_said_we_did),
    )  # fmt: skip
    sheet(
        _("Leaflets by language"),
        (_("Language"), _("Leaflets")),
        ((names("language", lang), n) for lang, n in summary.leaflets_by_language),
    )
    book.save(out)


def write_pdf(engine: Engine, summary: Summary, out: Path, names: Names) -> None:
    """A summary with charts: totals, by strand, by district, by month, leaflets by language."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    width = A4[0] - 4 * cm

    def bars(rows: list[tuple[str, int]], title: str, horizontal: bool = True):
        rows = rows[:20]
        if not any(n for _, n in rows):  # an empty chart would draw a meaningless axis
            return [
                Paragraph(title, styles["Heading2"]),
                Paragraph(_("Nothing to chart: no engagements counted."), styles["Normal"]),
                Spacer(1, 0.4 * cm),
            ]
        height = max(120, 16 * len(rows) + 40) if horizontal else 200
        drawing = Drawing(width, height)
        chart = HorizontalBarChart() if horizontal else VerticalBarChart()
        chart.x, chart.y = (150, 20) if horizontal else (40, 40)
        chart.width = width - chart.x - 10
        chart.height = height - 40 if horizontal else height - 60
        values = [n for _, n in rows]
        chart.data = [list(reversed(values)) if horizontal else values]
        labels = [label for label, _ in rows]
        chart.categoryAxis.categoryNames = list(reversed(labels)) if horizontal else labels
        chart.categoryAxis.labels.fontSize = 7
        chart.valueAxis.labels.fontSize = 7
        chart.valueAxis.valueMin = 0
        chart.bars[0].fillColor = colors.HexColor("#1f5fa8")
        if not horizontal:
            chart.categoryAxis.labels.angle = 90
            chart.categoryAxis.labels.boxAnchor = "e"
            chart.categoryAxis.labels.dy = -2
        drawing.add(chart)
        return [Paragraph(title, styles["Heading2"]), drawing, Spacer(1, 0.4 * cm)]

    today = dt.date.today().isoformat()
    story = [
        Paragraph(_("Crime prevention engagement: HQ summary"), styles["Title"]),
        Paragraph(
            _("Made on {date} from every imported bundle.").format(date=today), styles["Normal"]
        ),
        Spacer(1, 0.4 * cm),
        Table(
            [
                [_("Engagements"), f"{summary.engagements:,}"],
                [_("People engaged"), f"{summary.people:,}"],
                [_("Leaflets handed out"), f"{summary.leaflets:,}"],
                [_("Laptops enrolled"), f"{summary.laptops:,}"],
                [_("Concerns raised (you said, we did)"), f"{len(summary.you_said_we_did):,}"],
                *(
                    [[_("Demo engagements left out"), f"{summary.demo_left_out:,}"]]
                    if summary.demo_left_out
                    else []
                ),
            ],
            colWidths=[8 * cm, 4 * cm],
            hAlign="LEFT",
        ),
        Spacer(1, 0.4 * cm),
    ]
    story += bars(
        [(names("strand", s), n) for s, n, _p in summary.by_strand], _("Engagements by strand")
    )
    story += bars(
        [(names("district", d), n) for d, n, _p in summary.by_district],
        _("Engagements by district"),
    )
    story.append(PageBreak())
    story += bars(
        [(m or "?", n) for m, n, _p in summary.by_month[-24:]],
        _("Engagements by month (last 24 months)"),
        horizontal=False,
    )
    story += bars(
        [(names("language", lang), n) for lang, n in summary.leaflets_by_language],
        _("Leaflets by language"),
    )
    story += bars([(names("team", t), n) for t, n, _p in summary.by_team], _("Engagements by team"))
    SimpleDocTemplate(
        str(out), pagesize=A4, title=_("Outreach HQ summary"), leftMargin=2 * cm,
        rightMargin=2 * cm,
    ).build(story)  # fmt: skip
