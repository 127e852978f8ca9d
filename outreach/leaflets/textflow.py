"""A ReportLab paragraph for every script: runs by font, HarfBuzz shaping, our own bidi.

ReportLab's own Paragraph shapes text but cannot order right-to-left lines without
``rlbidi`` (not on PyPI), and it has no font fallback. ``Para`` breaks lines by shaped
width, orders each line's runs visually (a reduced Unicode bidi algorithm: Arabic-script
runs right to left, Latin words, digits, phone numbers and web addresses left to right
inside them), and draws every run in a font that carries its script.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from bidi import get_display
from reportlab.lib.colors import Color, black
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.platypus import Flowable

from outreach.leaflets.fonts import (
    LATIN,
    char_script,
    font_key,
    fonts_for,
    has_glyph,
    is_strong_ltr,
    is_strong_rtl,
)


@dataclass(frozen=True)
class Span:
    """A piece of a paragraph's text. ``isolate`` keeps it whole and left to right
    (telephone numbers, web addresses), as Unicode's LTR isolate would."""

    text: str
    bold: bool = False
    color: Color | None = None
    isolate: bool = False


@dataclass(frozen=True)
class TextStyle:
    """How a paragraph is set: size in points, language (for direction and fonts)."""

    lang: str
    size: float = 11
    bold: bool = False
    color: Color = black
    leading: float = 1.4  # times the size, before the script's own line spacing
    rtl: bool = False
    space_before: float = 0
    space_after: float = 0
    bullet: str = ""
    indent: float = 0  # hanging indent for bullets, points
    align: str = "start"  # "start" or "center"
    keep_with_next: bool = False
    script_spacing: float = 1.0  # extra line spacing the script needs (e.g. Nastaliq)

    def but(self, **changes: object) -> TextStyle:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass
class _Run:
    text: str
    font: str
    size: float
    color: Color
    level: int  # even: left to right, odd: right to left
    width: float = 0.0
    shaped: str = ""
    isolated: bool = False  # part of an isolate: neighbours do not take its direction
    source: str = ""  # the text as written (``text`` has brackets mirrored when RTL)

    def __post_init__(self) -> None:
        self.source = self.source or self.text


@dataclass
class _Word:
    runs: list[_Run] = field(default_factory=list)

    @property
    def width(self) -> float:
        return sum(r.width for r in self.runs)


@lru_cache(maxsize=20000)
def _shape(text: str, font: str, size: float) -> tuple[str, float]:
    """Shaped text (glyph order is visual) and its width in points.

    Text below the Hebrew block with no combining marks (Latin, Greek, Cyrillic, digits,
    punctuation) draws correctly glyph by glyph, so it skips HarfBuzz, which is most of
    the cost of a leaflet in those languages.
    """
    if max(text) < "\u0590" and not any(unicodedata.combining(ch) for ch in text):
        return text, pdfmetrics.stringWidth(text, font, size)
    shaped = shapeStr(text, font, size)
    if isinstance(shaped, ShapedStr):
        width = sum(d.x_advance for d in shaped.__shapeData__) * size / 1000
    else:
        width = pdfmetrics.stringWidth(text, font, size)
    return shaped, width


def _needs_actual_text(shaped: str) -> bool:
    """True when HarfBuzz drew glyphs that have no character of their own (Nastaliq letter
    forms, lam-alef): ReportLab gives those private-use codes, which extract as nothing."""
    return isinstance(shaped, ShapedStr) and any(0xE000 <= ord(ch) <= 0xF8FF for ch in shaped)


def _utf16(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


_MIRROR = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")


def _mirrored(text: str) -> str:
    """Brackets and quotes as drawn in right-to-left text (Unicode's mirrored glyphs)."""
    return text.translate(_MIRROR)


def _space_width(font: str, size: float) -> float:
    return pdfmetrics.stringWidth(" ", font, size)


@lru_cache(maxsize=256)
def _font_for(script: str, lang: str, bold: bool) -> str:
    fonts = fonts_for(font_key(script, lang))
    return fonts.bold if bold else fonts.regular


def _base_script(text: str) -> str:
    for ch in text:
        script = char_script(ch)
        if script:
            return script
    return LATIN


def _char_scripts(word: str, fallback: str) -> list[str]:
    """Each character's script; neutral ones take their neighbours' script."""
    scripts = [char_script(ch) for ch in word]
    last = None
    for i, script in enumerate(scripts):
        if script is None:
            scripts[i] = last
        else:
            last = script
    nxt = None
    for i in range(len(scripts) - 1, -1, -1):
        if scripts[i] is None:
            scripts[i] = nxt
        else:
            nxt = scripts[i]
    return [s or fallback for s in scripts]


def _direction_class(text: str) -> str:
    """'R' for Arabic-script text, 'L' for text with letters or digits, 'N' otherwise."""
    if any(is_strong_rtl(ch) for ch in text):
        return "R"
    if any(is_strong_ltr(ch) for ch in text):
        return "L"
    return "N"


class Para(Flowable):
    """A paragraph of spans in one language, laid out line by line."""

    def __init__(self, spans: Sequence[Span] | str, style: TextStyle) -> None:
        super().__init__()
        self.spans = [Span(spans)] if isinstance(spans, str) else list(spans)
        self.style = style
        self.keepWithNext = style.keep_with_next
        self._lines: list[list[_Word]] = []
        self._wrapped_for: float | None = None
        self._words: list[_Word] | None = None
        self._lead = 0.0
        self._ascent = 0.0

    # -- measuring -----------------------------------------------------------------
    def _make_words(self) -> list[_Word]:
        style = self.style
        base = _base_script("".join(s.text for s in self.spans)) if style.rtl else LATIN
        words: list[_Word] = []
        current = _Word()
        for span in self.spans:
            bold = span.bold or style.bold
            color = span.color or style.color
            if span.isolate:
                # Kept whole and, unless it is itself right-to-left text (a business name
                # in Arabic), left to right; text either side without a space joins it.
                text = span.text.strip()
                force = None if _direction_class(text) == "R" else 2
                runs = self._runs(text, base, bold, color, force)
                for run in runs:
                    run.isolated = True
                current.runs.extend(runs)
                continue
            pieces = span.text.split(" ")
            for i, piece in enumerate(pieces):
                if i > 0 and current.runs:
                    words.append(current)
                    current = _Word()
                if piece:
                    current.runs.extend(self._runs(piece, base, bold, color))
        if current.runs:
            words.append(current)
        for word in words:
            for run in word.runs:
                run.shaped, run.width = _shape(run.text, run.font, run.size)
        return words

    def _runs(
        self, text: str, base: str, bold: bool, color: Color, force_level: int | None = None
    ) -> list[_Run]:
        """Split a word into runs of one font and one direction."""
        style = self.style
        latin = _font_for(LATIN, style.lang, bold)
        runs: list[_Run] = []
        classes: list[str] = []
        for ch, script in zip(text, _char_scripts(text, base), strict=True):
            font = _font_for(script, style.lang, bold)
            if font != latin and not has_glyph(font, ch):
                font = latin
            klass = "R" if is_strong_rtl(ch) else ("L" if is_strong_ltr(ch) else "N")
            if runs and runs[-1].font == font and (klass == "N" or classes[-1] in ("N", klass)):
                runs[-1].text += ch
                runs[-1].source += ch
                if classes[-1] == "N":
                    classes[-1] = klass
                continue
            runs.append(_Run(ch, font, style.size, color, 0))
            classes.append(klass)
        for run, klass in zip(runs, classes, strict=True):
            run.level = self._level(klass, force_level)
            if run.level == 1:  # neutrals (-1) are mirrored once their line is known
                run.text = _mirrored(run.text)
        return runs

    def _level(self, klass: str, force: int | None) -> int:
        base = 1 if self.style.rtl else 0
        if force is not None:
            return force if self.style.rtl else 0
        if klass == "R":
            return 1
        if klass == "L":
            return 2 if base else 0
        return -1  # neutral: resolved per line

    def _metrics(self) -> None:
        style = self.style
        fonts = {r.font for w in self._words or () for r in w.runs} or {
            _font_for(LATIN, style.lang, style.bold)
        }
        ascent = max(pdfmetrics.getFont(f).face.ascent for f in fonts) / 1000 * style.size
        descent = min(pdfmetrics.getFont(f).face.descent for f in fonts) / 1000 * style.size
        natural = ascent - descent
        # Tall scripts (Nastaliq) reserve room for marks that few lines use: give them
        # most of their natural height, and every script at least the style's leading.
        self._lead = max(style.size * style.leading * style.script_spacing, natural * 0.85)
        # Put the baseline so that the extra space is shared above and below.
        self._ascent = ascent + (self._lead - natural) / 2

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._words is None:
            self._words = self._make_words()
            self._metrics()
        if self._wrapped_for != availWidth:
            self._lines = self._break(availWidth - self.style.indent)
            self._wrapped_for = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self._lead
        return availWidth, self.height

    def _break(self, width: float) -> list[list[_Word]]:
        space = _space_width(_font_for(LATIN, self.style.lang, self.style.bold), self.style.size)
        lines: list[list[_Word]] = []
        line: list[_Word] = []
        used = 0.0
        for word in self._words or []:
            for piece in self._fit(word, width):
                extra = piece.width + (space if line else 0)
                if line and used + extra > width:
                    lines.append(line)
                    line, used = [piece], piece.width
                else:
                    line.append(piece)
                    used += extra
        if line:
            lines.append(line)
        return lines

    def _fit(self, word: _Word, width: float) -> list[_Word]:
        """A word wider than the line (a long web address) broken into pieces."""
        if word.width <= width:
            return [word]
        pieces: list[_Word] = []
        current = _Word()
        for run in word.runs:
            start = 0
            for end in range(1, len(run.text) + 1):
                text = run.text[start:end]
                _shaped, w = _shape(text, run.font, run.size)
                if current.width + w > width and end - start > 1:
                    part = replace(
                        run, text=run.text[start : end - 1], source=run.source[start : end - 1]
                    )
                    part.shaped, part.width = _shape(part.text, part.font, part.size)
                    current.runs.append(part)
                    pieces.append(current)
                    current = _Word()
                    start = end - 1
            part = replace(run, text=run.text[start:], source=run.source[start:])
            part.shaped, part.width = _shape(part.text, part.font, part.size)
            current.runs.append(part)
        if current.runs:
            pieces.append(current)
        return pieces

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        fits = int(availHeight // self._lead) if self._lead else 0
        total = len(self._lines)
        if fits >= total:
            return [self]
        # Never leave one line alone at the foot of a column or the top of the next.
        if fits < 2 or total < 4:
            return []
        fits = min(fits, total - 2)
        first = self._part(self._lines[:fits], last=False)
        rest = self._part(self._lines[fits:], first=False)
        return [first, rest]

    def _part(self, lines: list[list[_Word]], first: bool = True, last: bool = True) -> Para:
        style = self.style
        if not first:
            style = style.but(space_before=0, bullet="")
        if not last:
            style = style.but(space_after=0, keep_with_next=False)
        part = Para(self.spans, style)
        part._words = [w for line in lines for w in line]
        part._lead, part._ascent = self._lead, self._ascent
        part._lines = lines
        part._wrapped_for = self._wrapped_for
        return part

    def getSpaceBefore(self) -> float:
        return self.style.space_before

    def getSpaceAfter(self) -> float:
        return self.style.space_after

    # -- drawing -------------------------------------------------------------------
    def draw(self) -> None:
        canvas = self.canv
        style = self.style
        width = self.width - style.indent
        y = self.height - self._ascent
        for index, line in enumerate(self._lines):
            runs, line_width = self._visual(line)
            if style.align == "center":
                x = (width - line_width) / 2
            elif style.rtl:
                x = width - line_width
            else:
                x = style.indent
            if index == 0 and style.bullet:
                self._draw_bullet(y)
            actual = any(_needs_actual_text(run.shaped) for run, _gap in runs if run)
            if actual:
                # Copy, search and screen readers get the letters, not glyph codes. The
                # line's text is given in drawing order, like the glyphs it replaces.
                logical = " ".join("".join(r.source for r in word.runs) for word in line)
                shown = get_display(logical, base_dir="R") if style.rtl else logical
                canvas._code.append(f"/Span <</ActualText <FEFF{_utf16(shown)}>>> BDC")
            # One text object per line; font and colour change only between runs.
            text = canvas.beginText(x, y)
            font = color = None
            for run, gap in runs:
                x += gap
                if run is None:
                    continue
                text.setTextOrigin(x, y)
                if (run.font, run.size) != font:
                    font = (run.font, run.size)
                    text.setFont(run.font, run.size)
                if run.color != color:
                    color = run.color
                    text.setFillColor(run.color)
                if isinstance(run.shaped, ShapedStr):
                    # ReportLab 5.1 writes a rise (Ts) before the font (Tf) of a shaped
                    # string only when the font subset changes; forget the subset so
                    # that the font comes first.
                    text._curSubset = None
                text.textOut(run.shaped)
                x += run.width
            canvas.drawText(text)
            if actual:
                canvas._code.append("EMC")
            y -= self._lead

    def _draw_bullet(self, y: float) -> None:
        style = self.style
        font = _font_for(LATIN, style.lang, True)
        text = self.canv.beginText(0, y)
        text.setFont(font, style.size)
        text.setFillColor(style.color)
        bullet_width = pdfmetrics.stringWidth(style.bullet, font, style.size)
        x = self.width - bullet_width if style.rtl else 0
        text.setTextOrigin(x, y)
        text.textOut(style.bullet)
        self.canv.drawText(text)

    def _visual(self, line: list[_Word]) -> tuple[list[tuple[_Run | None, float]], float]:
        """The line's runs in drawing order, each with the gap before it, and its width."""
        style = self.style
        space = _space_width(_font_for(LATIN, style.lang, style.bold), style.size)
        items: list[tuple[_Run | None, int]] = []
        for i, word in enumerate(line):
            if i:
                items.append((None, -1))  # a space
            items.extend((run, run.level) for run in word.runs)
        base = 1 if style.rtl else 0
        # An isolate is a neutral to the text around it (Unicode's FSI ... PDI).
        context = [base if run is not None and run.isolated else lv for run, lv in items]
        levels = _resolve_neutrals(context, base)
        levels = [
            lv if run is None or not run.isolated else run.level
            for (run, _lv), lv in zip(items, levels, strict=True)
        ]
        for (run, level), resolved in zip(items, levels, strict=True):
            if run is not None and level == -1 and resolved % 2:
                # A lone bracket or quote that ends up right to left is drawn mirrored.
                mirrored = _mirrored(run.text)
                if mirrored != run.text:
                    items[items.index((run, level))] = (
                        replace(run, text=mirrored, shaped=_shape(mirrored, run.font, run.size)[0]),
                        level,
                    )
        order = _reorder(levels)
        visual: list[tuple[_Run | None, float]] = []
        width = 0.0
        pending = 0.0
        for index in order:
            run = items[index][0]
            if run is None:
                pending += space
                continue
            visual.append((run, pending))
            width += pending + run.width
            pending = 0.0
        return visual, width


def _resolve_neutrals(levels: list[int], base: int) -> list[int]:
    """Neutral items between two runs of the same direction take it; others the base's."""
    resolved = list(levels)
    n = len(levels)
    i = 0
    while i < n:
        if resolved[i] != -1:
            i += 1
            continue
        j = i
        while j < n and resolved[j] == -1:
            j += 1
        before = resolved[i - 1] if i > 0 else base
        after = resolved[j] if j < n else base
        before_dir, after_dir = before % 2, after % 2
        level = before if before_dir == after_dir and before > base else base
        for k in range(i, j):
            resolved[k] = level
        i = j
    return resolved


def _reorder(levels: list[int]) -> list[int]:
    """Unicode bidi rule L2: the visual order of items with these embedding levels."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min((lv for lv in levels if lv % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


def paragraphs(texts: Iterable[str], style: TextStyle) -> list[Para]:
    """One ``Para`` per text, all in ``style``."""
    return [Para(text, style) for text in texts]
