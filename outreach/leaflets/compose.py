"""Tailored leaflets: chosen topics in one or two languages, laid out for print as PDF."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from itertools import groupby, zip_longest

from babel.dates import format_date
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
)

from outreach import __version__
from outreach.advice.library import AdviceLibrary
from outreach.advice.model import Topic, TopicText
from outreach.i18n import _, format_locale, is_rtl
from outreach.leaflets.fonts import LATIN, fonts_for
from outreach.leaflets.textflow import Para, Span, TextStyle

INK = HexColor("#1b1f24")
NAVY = HexColor("#10315a")
BLUE = HexColor("#1f5fa8")
MUTED = HexColor("#4a5563")
PANEL = HexColor("#eaf0f8")
RULE = HexColor("#c5d3e6")
COLUMN_GAP = 7 * mm
BAND_GAP = 2.5


class Layout(StrEnum):
    """The printed formats."""

    A4 = "a4"  # A4, two sides, two columns
    A5 = "a5"  # A5 handout, one column
    LARGE = "large"  # A4, large print (body 16 pt), one column


class LeafletError(Exception):
    """The leaflet cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class OfficerContact:
    """The contact block printed on every leaflet."""

    name: str = ""
    team: str = ""
    phone: str = ""
    email: str = ""

    def lines(self) -> list[str]:
        return [v for v in (self.name, self.team) if v]


@dataclass(frozen=True)
class LeafletRequest:
    """What the officer chose. ``topics`` are printed in the order given."""

    topics: tuple[str, ...]
    lang: str = "en"
    lang2: str | None = None
    audience: str | None = None
    layout: Layout = Layout.A4
    prepared_for: str = ""
    visit_date: dt.date | None = None
    preset: str | None = None
    area: str = ""
    burglary_date: dt.date | None = None
    contact: OfficerContact = field(default_factory=OfficerContact)
    qr_url: str = ""

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.lang, self.lang2) if self.lang2 else (self.lang,)


@dataclass(frozen=True)
class Leaflet:
    """A rendered leaflet: its PDF and what it holds, for the print count."""

    pdf: bytes
    pages: int
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class _Sizes:
    page: tuple[float, float]
    margin: float
    columns: int
    body: float
    heading: float
    subheading: float
    title: float
    band: float
    qr: float


_SIZES = {
    Layout.A4: _Sizes(A4, 14 * mm, 2, 10.5, 15, 11.5, 26, 44 * mm, 30 * mm),
    Layout.A5: _Sizes(A5, 11 * mm, 1, 10, 14, 11, 20, 34 * mm, 26 * mm),
    Layout.LARGE: _Sizes(A4, 16 * mm, 1, 16, 22, 17.5, 30, 52 * mm, 36 * mm),
}


def resolve_request(library: AdviceLibrary, request: LeafletRequest) -> LeafletRequest:
    """Check the request against the library; languages are matched to known codes."""
    from dataclasses import replace

    lang = library.resolve_language(request.lang)
    if lang is None:
        raise LeafletError(
            _("Unknown content language {code!r}. Known languages: {known}.").format(
                code=request.lang, known=", ".join(library.languages)
            )
        )
    lang2 = None
    if request.lang2:
        lang2 = library.resolve_language(request.lang2)
        if lang2 is None:
            raise LeafletError(
                _("Unknown content language {code!r}. Known languages: {known}.").format(
                    code=request.lang2, known=", ".join(library.languages)
                )
            )
        if lang2 == lang:
            lang2 = None
    topics = request.topics
    if request.preset:
        preset = library.presets.get(request.preset)
        if preset is None:
            raise LeafletError(
                _("Unknown leaflet preset {preset!r}. Known presets: {known}.").format(
                    preset=request.preset, known=", ".join(library.presets)
                )
            )
        topics = topics or preset.topics
    if not topics:
        raise LeafletError(_("Choose at least one topic for the leaflet."))
    unknown = [t for t in topics if library.topic(t) is None]
    if unknown:
        raise LeafletError(
            _("Unknown topic {topic!r}. See `outreach advice list`.").format(topic=unknown[0])
        )
    audience = request.audience
    if audience and audience not in library.audience_ids:
        raise LeafletError(
            _("Unknown audience {audience!r}. Known audiences: {known}.").format(
                audience=audience, known=", ".join(library.audience_ids)
            )
        )
    return replace(request, lang=lang, lang2=lang2, topics=tuple(dict.fromkeys(topics)))


def long_date(day: dt.date, lang: str) -> str:
    """``day`` written out as the language writes dates."""
    return format_date(day, format="long", locale=format_locale(lang))


class _Builder:
    def __init__(self, library: AdviceLibrary, request: LeafletRequest) -> None:
        self.library = library
        self.request = request
        self.sizes = _SIZES[request.layout]
        self.topics: list[Topic] = [library.topic(t) for t in request.topics]  # type: ignore[misc]

    # -- styles --------------------------------------------------------------------
    def style(self, lang: str, size: float | None = None, **kw: object) -> TextStyle:
        spacing = self.library.line_spacing(lang)
        return TextStyle(
            lang=lang,
            size=size or self.sizes.body,
            rtl=is_rtl(lang),
            script_spacing=spacing if spacing > 1 else 1.0,
            color=INK,
        ).but(**kw)

    def phrase(self, key: str, lang: str, **values: str) -> str:
        text = self.library.phrase(key, lang)
        return text.format(**values) if values else text

    # -- content -------------------------------------------------------------------
    def title(self, lang: str) -> str:
        request = self.request
        if request.preset:
            return self.library.preset_title(request.preset, lang)
        if len(self.topics) == 1:
            return self._text(self.topics[0], lang).title
        return self.phrase("leaflet_title", lang)

    def tailored_line(self, lang: str) -> str | list[Span]:
        request = self.request
        if request.area and request.burglary_date:
            return self.phrase(
                "burglary_line",
                lang,
                area=request.area,
                date=long_date(request.burglary_date, lang),
            )
        day = request.visit_date
        if request.prepared_for:
            return self.phrase(
                "prepared_for",
                lang,
                name=request.prepared_for,
                date=long_date(day or dt.date.today(), lang),
            )
        if day:
            return self.phrase("prepared_on", lang, date=long_date(day, lang))
        return ""

    def _text(self, topic: Topic, lang: str) -> TopicText:
        return topic.text(lang) or topic.english

    def topic_sections(self, topic: Topic, lang: str, second: bool) -> list[list[Flowable]]:
        """The topic in ``lang`` as parallel sections: heading, summary, each step ...

        Every language yields the same sections in the same order, so a bilingual leaflet
        can set them side by side.
        """
        sizes = self.sizes
        text = self._text(topic, lang)
        lang = text.lang
        color = MUTED if second else INK
        heading_color = BLUE if second else NAVY
        body = self.style(lang, color=color, space_after=sizes.body * 0.35)
        bullet = body.but(bullet="•", indent=sizes.body * 1.1, space_after=sizes.body * 0.2)
        sub = self.style(
            lang,
            sizes.subheading,
            bold=True,
            color=heading_color,
            space_before=sizes.body * 0.5,
            space_after=sizes.body * 0.2,
            keep_with_next=True,
        )
        heading = self.style(
            lang,
            sizes.heading,
            bold=True,
            color=heading_color,
            space_before=sizes.body * 1.1,
            space_after=sizes.body * 0.3,
            keep_with_next=True,
            leading=1.25,
        )
        sections: list[list[Flowable]] = [[Para(text.title, heading)], [Para(text.summary, body)]]
        if topic.english.steps:
            sections.append([Para(self.phrase("steps", lang), sub)])
            sections.append([Para(step, bullet) for step in text.steps])
        if topic.english.if_it_happens:
            sections.append([Para(self.phrase("if_it_happens", lang), sub)])
            sections.append([Para(step, bullet) for step in text.if_it_happens])
        return sections

    def topic_flow(self, topic: Topic) -> list[Flowable]:
        request = self.request
        first = self.topic_sections(topic, request.lang, second=False)
        # With one topic the title band already names it (in both languages).
        skip = 1 if len(self.topics) == 1 else 0
        if not request.lang2:
            return [f for section in first[skip:] for f in section]
        second = self.topic_sections(topic, request.lang2, second=True)[skip:]
        first = first[skip:]
        flow: list[Flowable] = []
        for left, right in zip(first, second, strict=True):
            rows = zip_longest(left, right)
            for a, b in rows:
                flow.append(self.pair(a, b))
        return flow

    def pair(self, first: Flowable | None, second: Flowable | None) -> Flowable:
        """Two languages side by side; a right-to-left language takes the right-hand side."""
        request = self.request
        cells = [first or Spacer(1, 1), second or Spacer(1, 1)]
        if is_rtl(request.lang) and not is_rtl(request.lang2 or ""):
            cells.reverse()
        half = (self.sizes.page[0] - 2 * self.sizes.margin - COLUMN_GAP) / 2
        pair = table(
            [cells],
            [half + COLUMN_GAP / 2, half + COLUMN_GAP / 2],
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), COLUMN_GAP / 2),
                ("LEFTPADDING", (1, 0), (1, 0), COLUMN_GAP / 2),
                ("RIGHTPADDING", (1, 0), (1, 0), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("LINEBEFORE", (1, 0), (1, 0), 0.5, RULE),
            ],
        )
        pair.keepWithNext = any(getattr(f, "keepWithNext", False) for f in (first, second))
        return pair

    def contact_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for topic in self.topics:
            for contact_id in topic.signposts:
                if contact_id in self.library.contacts:
                    seen.setdefault(contact_id)
        return list(seen)

    def helplines(self) -> list[Flowable]:
        sizes = self.sizes
        lang = self.request.lang
        heading = self.style(
            lang,
            sizes.heading,
            bold=True,
            color=NAVY,
            space_before=sizes.body * 1.2,
            space_after=sizes.body * 0.4,
            keep_with_next=True,
        )
        flow: list[Flowable] = [
            Para(
                " · ".join(self.phrase("who_can_help", lg) for lg in self.request.languages),
                heading,
            )
        ]
        for contact_id in self.contact_ids():
            flow.append(KeepTogether(self.contact(contact_id)))
        return flow

    def contact(self, contact_id: str) -> list[Flowable]:
        library = self.library
        contact = library.contacts[contact_id]
        sizes = self.sizes
        lang = self.request.lang
        name = self.style(lang, bold=True, color=NAVY, space_before=sizes.body * 0.5)
        desc = self.style(lang, size=sizes.body * 0.95)
        parts: list[Flowable] = [Para(contact.name, name)]
        for index, lg in enumerate(self.request.languages):
            description = library.contact_text(contact_id, "description", lg)
            if description:
                color = MUTED if index else INK
                parts.append(Para(description, self.style(lg, size=sizes.body * 0.95, color=color)))
        routes: list[Span] = []
        for key in ("phone", "sms", "textphone", "url", "email"):
            value = getattr(contact, key)
            if not value:
                continue
            label = self.phrase("web" if key == "url" else key, lang)
            shown = value.removeprefix("https://").removesuffix("/")
            if routes:
                routes.append(Span("  ·  ", color=MUTED))
            routes += [Span(f"{label}: ", bold=True, color=NAVY), Span(shown, isolate=True)]
        if routes:
            parts.append(Para(routes, desc))
        hours = library.contact_text(contact_id, "hours", lang)
        if hours:
            parts.append(Para(f"{self.phrase('hours', lang)}: {hours}", desc.but(color=MUTED)))
        return parts

    def back_panel(self) -> Flowable:
        """Emergency numbers, the officer's contact block and the QR code, kept together."""
        sizes = self.sizes
        request = self.request
        lang = request.lang
        rtl = is_rtl(lang)
        lines: list[Flowable] = []
        strong = self.style(lang, sizes.subheading, bold=True, color=NAVY)
        for lg in request.languages:
            lines.append(
                Para(self.phrase("emergency", lg), self.style(lg, bold=True, space_after=2))
            )
            lines.append(Para(self.phrase("non_emergency", lg), self.style(lg, space_after=4)))
        contact = request.contact
        if contact.lines() or contact.phone or contact.email:
            lines.append(Para(self.phrase("your_team", lang), strong.but(space_before=6)))
            for line in contact.lines():
                lines.append(Para(line, self.style(lang)))
            routes: list[Span] = []
            if contact.phone:
                routes += [
                    Span(f"{self.phrase('phone', lang)}: ", bold=True),
                    Span(contact.phone, isolate=True),
                ]
            if contact.email:
                if routes:
                    routes.append(Span("  ·  ", color=MUTED))
                routes += [
                    Span(f"{self.phrase('email', lang)}: ", bold=True),
                    Span(contact.email, isolate=True),
                ]
            if routes:
                lines.append(Para(routes, self.style(lang)))
        column = self.column_width()
        padding = 4 * mm
        if request.qr_url:
            qr = _qr(request.qr_url, sizes.qr)
            caption = Para(
                self.phrase("scan_qr", lang),
                self.style(lang, sizes.body * 0.85, color=MUTED),
            )
            if column - 2 * padding - sizes.qr > 70 * mm:
                # Wide enough: the QR code beside the contact block.
                cells = [lines, [qr, Spacer(1, 3), caption]]
                widths = [column - sizes.qr - 2 * padding - 6 * mm, sizes.qr + 6 * mm + 2 * padding]
            else:
                # A narrow column: the QR code under it, with its caption alongside.
                inner = column - 2 * padding
                beside = table(
                    [[qr, caption][::-1] if rtl else [qr, caption]],
                    [inner - sizes.qr - 4 * mm, sizes.qr + 4 * mm]
                    if rtl
                    else [sizes.qr + 4 * mm, inner - sizes.qr - 4 * mm],
                    [
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ],
                )
                cells, widths = [[*lines, Spacer(1, 6), beside]], [column]
        else:
            cells, widths = [lines], [column]
        if rtl:
            cells.reverse()
            widths.reverse()
        panel = table(
            [cells],
            widths,
            [
                ("BACKGROUND", (0, 0), (-1, -1), PANEL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), padding),
                ("RIGHTPADDING", (0, 0), (-1, -1), padding),
                ("TOPPADDING", (0, 0), (-1, -1), 3.5 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5 * mm),
            ],
        )
        return KeepTogether([Spacer(1, sizes.body), panel])

    @property
    def columns(self) -> int:
        """Bilingual leaflets set the languages side by side across the page."""
        return 1 if self.request.lang2 else self.sizes.columns

    def column_width(self) -> float:
        width = self.sizes.page[0] - 2 * self.sizes.margin
        return (width - COLUMN_GAP * (self.columns - 1)) / self.columns

    def story(self) -> list[Flowable]:
        flow: list[Flowable] = []
        for topic in self.topics:
            flow += self.topic_flow(topic)
        flow += self.helplines()
        flow.append(self.back_panel())
        return flow

    # -- pages ---------------------------------------------------------------------
    def band_flow(self) -> tuple[list[tuple[Para, float]], float]:
        """The title band's paragraphs with their heights, and the band's height."""
        sizes = self.sizes
        inner = sizes.page[0] - 2 * sizes.margin
        flow: list[Para] = []
        for index, lang in enumerate(self.request.languages):
            size = sizes.title if index == 0 else sizes.title * 0.62
            flow.append(
                Para(self.title(lang), self.style(lang, size, bold=True, color=white, leading=1.2))
            )
        for lang in self.request.languages:
            line = self.tailored_line(lang)
            if line:
                flow.append(Para(line, self.style(lang, sizes.body * 1.05, color=white)))
        sized = [(para, para.wrap(inner, sizes.page[1])[1]) for para in flow]
        needed = sum(h + BAND_GAP for _p, h in sized) + sizes.margin * 1.6
        return sized, max(sizes.band, needed)

    def band(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """The coloured title band on the first page."""
        sizes = self.sizes
        width, height = sizes.page
        flow, band = self._band
        canvas.saveState()
        canvas.setFillColor(NAVY)
        canvas.rect(0, height - band, width, band, stroke=0, fill=1)
        canvas.setFillColor(BLUE)
        canvas.rect(0, height - band - 2.2 * mm, width, 2.2 * mm, stroke=0, fill=1)
        y = height - sizes.margin * 0.8
        for para, h in flow:
            y -= h
            para.drawOn(canvas, sizes.margin, y)
            y -= BAND_GAP
        canvas.restoreState()
        self.footer(canvas, doc)

    def footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        sizes = self.sizes
        width, _height = sizes.page
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        y = sizes.margin * 0.55
        canvas.line(sizes.margin, y + 9, width - sizes.margin, y + 9)
        para = Para(str(doc.page), self.style("en", 8, color=MUTED, align="center"))
        para.wrap(width - 2 * sizes.margin, 20)
        para.drawOn(canvas, sizes.margin, y - 2)
        canvas.restoreState()

    def document(self, out: io.BytesIO) -> BaseDocTemplate:
        sizes = self.sizes
        height = sizes.page[1]
        self._band = self.band_flow()
        doc = BaseDocTemplate(
            out,
            pagesize=sizes.page,
            leftMargin=sizes.margin,
            rightMargin=sizes.margin,
            topMargin=sizes.margin,
            bottomMargin=sizes.margin,
            title=self.title(self.request.lang),
            author=self.request.contact.team or "Outreach",
            creator=f"Outreach {__version__}",
            lang=self.request.lang.replace("_", "-"),
            invariant=1,
        )
        bottom = sizes.margin + 3 * mm  # clear of the footer rule, even for Nastaliq tails
        rest_height = height - sizes.margin - bottom
        first_height = height - self._band[1] - 6 * mm - bottom
        doc.addPageTemplates(
            [
                PageTemplate(
                    "first",
                    self.frames(bottom, first_height, "f"),
                    onPage=self.band,
                    autoNextPageTemplate="rest",
                ),
                PageTemplate("rest", self.frames(bottom, rest_height, "r"), onPage=self.footer),
            ]
        )
        return doc

    def build(self, doc: BaseDocTemplate) -> None:
        """Lay out the story. The canvas starts in our own embedded font, so the PDF
        names no font that it does not carry (ReportLab's default is Helvetica)."""
        doc.initialFontName = fonts_for(LATIN).regular
        doc.build(self.story())

    def frames(self, bottom: float, height: float, prefix: str) -> list[Frame]:
        column = self.column_width()
        margin = self.sizes.margin
        frames = [
            Frame(
                margin + i * (column + COLUMN_GAP),
                bottom,
                column,
                height,
                leftPadding=0,
                rightPadding=0,
                topPadding=0,
                bottomPadding=0,
                id=f"{prefix}{i}",
            )
            for i in range(self.columns)
        ]
        # Right-to-left readers start at the right-hand column.
        return list(reversed(frames)) if is_rtl(self.request.lang) else frames


def table(data: list[list[object]], widths: list[float], style: list[tuple]) -> Table:
    """A layout table whose cells name our embedded font (ReportLab's default is
    Helvetica, which would otherwise be listed, unembedded, in the PDF)."""
    return Table(
        data,
        colWidths=widths,
        style=[("FONTNAME", (0, 0), (-1, -1), fonts_for(LATIN).regular), *style],
    )


@lru_cache(maxsize=32)
def _qr_modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code's dark and light modules (error correction M), worked out once."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    return tuple(tuple(bool(m) for m in row) for row in code.modules)


class QrCode(Flowable):
    """A QR code drawn as one filled path, with a quiet zone of two modules."""

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url = url
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        modules = _qr_modules(self.url)
        count = len(modules)
        box = self.width / (count + 4)
        path = self.canv.beginPath()
        for r, row in enumerate(modules):
            y = self.height - (r + 3) * box
            c = 0
            for dark, run in groupby(row):
                length = len(list(run))
                if dark:
                    path.rect((c + 2) * box, y, length * box, box)
                c += length
        self.canv.setFillColor(INK)
        self.canv.drawPath(path, stroke=0, fill=1)


def _qr(url: str, size: float) -> QrCode:
    return QrCode(url, size)


def render_leaflet(library: AdviceLibrary, request: LeafletRequest) -> Leaflet:
    """Lay out the leaflet and return its PDF."""
    request = resolve_request(library, request)
    builder = _Builder(library, request)
    out = io.BytesIO()
    doc = builder.document(out)
    builder.build(doc)
    return Leaflet(
        pdf=out.getvalue(),
        pages=doc.page,
        topics=request.topics,
        languages=request.languages,
        title=builder.title(request.lang),
    )
