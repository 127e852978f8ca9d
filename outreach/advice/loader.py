"""Read and validate the advice content files.

Every problem found is collected as a :class:`Problem` naming the file and line, so a
content owner sees all of them at once; nothing here raises on bad content.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from outreach.advice.model import (  # Content and Labels: part of this module's interface
    SOURCE_LANG,
    Audience,
    Contact,
    Content,
    Labels,
    Preset,
    Problem,
    Status,
    Strand,
    Theme,
    Topic,
    TopicText,
)

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$")
FILE_RE = re.compile(r"^(?P<id>[^.]+)\.(?P<lang>[A-Za-z_]+)\.md$")
PHONE_RE = re.compile(
    r"(?<![\d/])(?:0\d{2,4}[ ]?\d{3}[ ]?\d{3,4}|116 ?123|0800 ?\d{3} ?\d{3,4})(?!\d)"
)
SECTIONS = {
    "summary": "Summary",
    "steps": "Steps",
    "if_it_happens": "If it happens",
    "who_can_help": "Who can help",
}
HEADING_TO_KEY = {v.lower(): k for k, v in SECTIONS.items()}
TITLE_MAX = 70
CONTACT_FIELDS = {
    "id", "name", "description", "scope", "phone", "sms", "textphone", "url", "email",
    "hours", "checked", "source",
}  # fmt: skip
TOPIC_FIELDS_EN = {"id", "strand", "audiences", "owner", "review_due", "signposts", "keywords"}
TOPIC_FIELDS_TR = {"id", "lang", "status", "source_hash", "translator"}


class _Reporter:
    def __init__(self, root: Path, problems: list[Problem]) -> None:
        self.root = root
        self.problems = problems

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root.parent).as_posix()
        except ValueError:
            return path.as_posix()

    def error(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message))

    def warning(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, message, "warning"))


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


def _key_lines(text: str, offset: int = 0) -> dict[str, int]:
    """Map each top-level ``key =`` to its line number (for messages)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1 + offset):
        match = re.match(r"\s*([A-Za-z_][\w-]*)\s*=", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    return lines


def _read_toml(path: Path, report: _Reporter) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        report.error(path, 0, "file is missing")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        report.error(path, 1, f"cannot read the file as UTF-8 text ({exc})")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        report.error(path, _toml_error_line(exc), f"not valid TOML: {exc}")
        return None


def _table_lines(path: Path, array: str) -> list[int]:
    """Line numbers of each ``[[array]]`` header in a TOML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == f"[[{array}]]"]


def _entries(path: Path, data: dict[str, Any] | None, array: str, report: _Reporter):
    if data is None:
        return
    items = data.get(array)
    if not isinstance(items, list):
        report.error(path, 1, f"expected one or more [[{array}]] tables")
        return
    lines = _table_lines(path, array)
    seen: set[str] = set()
    for index, item in enumerate(items):
        line = lines[index] if index < len(lines) else 1
        ident = item.get("id")
        if not isinstance(ident, str) or not ID_RE.match(ident):
            report.error(path, line, f"{array} has a missing or badly formed id: {ident!r}")
            continue
        if ident in seen:
            report.error(path, line, f"duplicate {array} id {ident!r}")
            continue
        seen.add(ident)
        yield line, item


def _text_field(path, line, item, key, report, required=True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        report.error(path, line, f"{key!r} must be text")
        return ""
    if required and not value.strip():
        report.error(path, line, f"{key!r} is missing or empty")
    return value.strip()


def load_structure(content: Content, report: _Reporter) -> None:
    """Read themes, strands, audiences, contacts and target languages."""
    root = content.root
    strands_path = root / "advice" / "strands.toml"
    data = _read_toml(strands_path, report)
    for line, item in _entries(strands_path, data, "theme", report):
        content.themes.append(
            Theme(item["id"], _text_field(strands_path, line, item, "name", report))
        )
    theme_ids = {t.id for t in content.themes}
    for line, item in _entries(strands_path, data, "strand", report):
        theme = item.get("theme")
        if theme not in theme_ids:
            report.error(strands_path, line, f"strand {item['id']!r} names unknown theme {theme!r}")
            continue
        content.strands.append(
            Strand(
                item["id"],
                theme,
                _text_field(strands_path, line, item, "name", report),
                _text_field(strands_path, line, item, "aim", report),
            )
        )

    audiences_path = root / "reference" / "audiences.toml"
    data = _read_toml(audiences_path, report)
    for line, item in _entries(audiences_path, data, "audience", report):
        content.audiences.append(
            Audience(item["id"], _text_field(audiences_path, line, item, "name", report))
        )

    contacts_path = root / "contacts.toml"
    data = _read_toml(contacts_path, report)
    for line, item in _entries(contacts_path, data, "contact", report):
        content.contacts[item["id"]] = _contact(contacts_path, line, item, report)

    languages_path = root / "advice" / "languages.toml"
    if languages_path.exists():
        data = _read_toml(languages_path, report) or {}
        langs = data.get("languages", [])
        if not isinstance(langs, list) or not all(isinstance(x, str) for x in langs):
            report.error(languages_path, 1, "'languages' must be a list of language codes")
            langs = []
        for code in langs:
            if not LANG_RE.match(code):
                report.error(languages_path, 1, f"badly formed language code {code!r}")
        content.target_languages = tuple(c for c in langs if LANG_RE.match(c))
        fonts = data.get("fonts", {})
        if isinstance(fonts, dict) and all(isinstance(v, str) for v in fonts.values()):
            content.fonts = dict(fonts)
        else:
            report.error(languages_path, 1, "[fonts] must map language codes to font names")
        spacing = data.get("line_spacing", {})
        if isinstance(spacing, dict) and all(
            isinstance(v, int | float) and 0.8 <= v <= 3 for v in spacing.values()
        ):
            content.line_spacing = {k: float(v) for k, v in spacing.items()}
        else:
            report.error(languages_path, 1, "[line_spacing] values must be numbers from 0.8 to 3")

    phrases_path = root / "advice" / "phrases.toml"
    data = _read_toml(phrases_path, report) or {}
    phrases = data.get("phrases", {})
    if isinstance(phrases, dict) and all(isinstance(v, str) for v in phrases.values()):
        content.phrases = dict(phrases)
    else:
        report.error(phrases_path, 1, "[phrases] must be a table of text")


def _contact(path: Path, line: int, item: dict[str, Any], report: _Reporter) -> Contact:
    for key in sorted(set(item) - CONTACT_FIELDS):
        report.error(path, line, f"contact {item['id']!r} has an unknown field {key!r}")
    checked = item.get("checked")
    if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
        report.error(
            path, line, f"contact {item['id']!r} needs 'checked' as a date (YYYY-MM-DD, no quotes)"
        )
        checked = None
    fields = {
        k: _text_field(path, line, item, k, report, required=k in ("name", "description"))
        for k in CONTACT_FIELDS - {"id", "checked"}
    }
    if not (fields["phone"] or fields["url"] or fields["sms"] or fields["email"]):
        report.error(path, line, f"contact {item['id']!r} has no phone, text, web or e-mail route")
    if fields["url"] and not fields["url"].startswith("https://"):
        report.warning(path, line, f"contact {item['id']!r}: web address should start https://")
    if fields["scope"] not in ("national", "force"):
        report.error(path, line, f"contact {item['id']!r}: scope must be 'national' or 'force'")
    return Contact(id=item["id"], checked=checked, **fields)


def english_labels_hash(content: Content) -> str:
    """Fingerprint of the English strings that ``labels/<lang>.toml`` files translate."""
    import hashlib  # (OpenSSL: not loaded at start-up)

    parts: list[str] = []
    parts += [f"theme:{t.id}:{t.name}" for t in content.themes]
    parts += [f"strand:{s.id}:{s.name}:{s.aim}" for s in content.strands]
    parts += [f"audience:{a.id}:{a.name}" for a in content.audiences]
    parts += [f"contact:{c.id}:{c.description}:{c.hours}" for c in content.contacts.values()]
    parts += [f"phrase:{k}:{v}" for k, v in sorted(content.phrases.items())]
    parts += [f"preset:{p.id}:{p.title}" for p in content.presets.values()]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]


def _split_header(path: Path, text: str, report: _Reporter) -> tuple[dict | None, int, list[str]]:
    """Return (header data, line number where the body starts, body lines)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "+++":
        report.error(path, 1, "the file must start with a '+++' line opening the header")
        return None, 1, lines
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        report.error(path, 1, "the header opened on line 1 is never closed with '+++'")
        return None, 1, lines
    header_text = "\n".join(lines[1:end])
    try:
        header = tomllib.loads(header_text)
    except tomllib.TOMLDecodeError as exc:
        report.error(path, _toml_error_line(exc) + 1, f"header is not valid TOML: {exc}")
        return None, end + 2, lines[end + 1 :]
    header["__lines__"] = _key_lines(header_text, offset=1)
    return header, end + 2, lines[end + 1 :]


def _parse_body(
    path: Path, first_line: int, lines: list[str], report: _Reporter
) -> dict[str, Any] | None:
    title = ""
    sections: dict[str, list[tuple[int, str]]] = {}
    order: list[str] = []
    current: str | None = None
    ok = True
    for number, raw in enumerate(lines, start=first_line):
        line = raw.rstrip()
        if not line.strip():
            if current:
                sections[current].append((number, ""))
            continue
        if line.startswith("# "):
            if title:
                report.error(path, number, "a second '# ' title; a topic has one title")
                ok = False
            title = line[2:].strip()
            if len(title) > TITLE_MAX:
                report.warning(path, number, f"title is over {TITLE_MAX} characters")
            continue
        if line.startswith("## "):
            heading = line[3:].strip()
            key = HEADING_TO_KEY.get(heading.lower())
            if key is None:
                expected = ", ".join(f"'## {h}'" for h in SECTIONS.values())
                report.error(path, number, f"unknown section '## {heading}'; expected {expected}")
                ok = False
                current = None
                continue
            if key in sections:
                report.error(path, number, f"section '## {heading}' appears twice")
                ok = False
            if not title:
                report.error(path, number, "the '# ' title must come before the sections")
                ok = False
            current = key
            sections[key] = []
            order.append(key)
            continue
        if current is None:
            if not title:
                report.error(path, number, "text before the '# ' title")
            else:
                report.error(path, number, "text outside a '## ' section")
            ok = False
            continue
        sections[current].append((number, line))
    if not title:
        report.error(path, first_line, "the topic has no '# ' title")
        return None
    for key, heading in SECTIONS.items():
        if key not in sections:
            report.error(path, first_line, f"missing section '## {heading}'")
            ok = False
    if ok and order != list(SECTIONS):
        report.error(
            path, first_line, "sections must be in the order: " + ", ".join(SECTIONS.values())
        )
    if not ok:
        return None

    def paragraph(key: str) -> str:
        return " ".join(t.strip() for _, t in sections[key] if t.strip())

    def bullets(key: str) -> tuple[str, ...]:
        items: list[str] = []
        for number, text in sections[key]:
            if not text.strip():
                continue
            stripped = text.lstrip()
            if stripped.startswith(("- ", "* ")):
                items.append(stripped[2:].strip())
            elif items and text.startswith((" ", "\t")):
                items[-1] += " " + stripped
            else:
                report.error(path, number, f"'## {SECTIONS[key]}' must be a list of '- ' bullets")
        if not items:
            report.error(path, first_line, f"'## {SECTIONS[key]}' has no bullets")
        return tuple(items)

    result = {
        "title": title,
        "summary": paragraph("summary"),
        "steps": bullets("steps"),
        "if_it_happens": bullets("if_it_happens"),
        "who_can_help": paragraph("who_can_help"),
    }
    for key in ("summary", "who_can_help"):
        if not result[key]:
            report.error(path, first_line, f"'## {SECTIONS[key]}' is empty")
    for key, heading in SECTIONS.items():
        for number, text in sections[key]:
            if PHONE_RE.search(text):
                report.warning(
                    path,
                    number,
                    f"a phone number in '## {heading}': numbers belong in contacts.toml",
                )
    return result


def _str_list(path, lines, header, key, report, required=True) -> tuple[str, ...]:
    value = header.get(key, [] if not required else None)
    line = lines.get(key, 2)
    if value is None:
        report.error(path, 2, f"header field {key!r} is missing")
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        report.error(path, line, f"header field {key!r} must be a list of text values")
        return ()
    return tuple(value)


def _load_topic_file(
    path: Path, report: _Reporter, content: Content, strand_dir: str
) -> tuple[str, str, dict[str, Any], dict[str, Any]] | None:
    match = FILE_RE.match(path.name)
    if not match:
        report.error(path, 1, "file name must be '<topic-id>.<language>.md'")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report.error(path, 1, f"cannot read the file as UTF-8 text ({exc})")
        return None
    header, body_line, body = _split_header(path, text, report)
    parsed = _parse_body(path, body_line, body, report)
    if header is None or parsed is None:
        return None
    lines = header.pop("__lines__")
    topic_id, lang = match.group("id"), match.group("lang")
    if header.get("id") != topic_id:
        report.error(
            path, lines.get("id", 2), f"header id {header.get('id')!r} differs from the file name"
        )
        return None
    allowed = TOPIC_FIELDS_EN if lang == SOURCE_LANG else TOPIC_FIELDS_TR
    for key in header:
        if key not in allowed:
            hint = (
                " (translations take these from the English file)" if key in TOPIC_FIELDS_EN else ""
            )
            report.error(path, lines.get(key, 2), f"unknown header field {key!r}{hint}")
    if not LANG_RE.match(lang):
        report.error(path, 1, f"badly formed language code {lang!r} in the file name")
        return None
    return topic_id, lang, header, {"lines": lines, "body": parsed, "strand_dir": strand_dir}


def load_topics(content: Content, report: _Reporter) -> None:
    """Read every topic file; English files first, then translations."""
    topics_dir = content.root / "advice" / "topics"
    strand_ids = {s.id for s in content.strands}
    audience_ids = {a.id for a in content.audiences}
    files = sorted(topics_dir.glob("*/*.md"), key=str) if topics_dir.is_dir() else []
    for stray in sorted(topics_dir.glob("*.md")) if topics_dir.is_dir() else []:
        report.error(stray, 1, "topic files belong in a folder named after their strand")
    parsed = [
        (path, result)
        for path in files
        if (result := _load_topic_file(path, report, content, path.parent.name))
    ]
    translations = []
    for path, (topic_id, lang, header, extra) in parsed:
        if lang != SOURCE_LANG:
            translations.append((topic_id, lang, header, extra, path))
            continue
        lines = extra["lines"]
        if topic_id in content.topics:
            report.error(path, 1, f"topic id {topic_id!r} is used twice")
            continue
        strand = header.get("strand")
        if strand not in strand_ids:
            report.error(path, lines.get("strand", 2), f"unknown strand {strand!r}")
        elif strand != extra["strand_dir"]:
            report.error(
                path, lines.get("strand", 2), f"strand {strand!r} differs from the folder name"
            )
        audiences = _str_list(path, lines, header, "audiences", report)
        if not audiences:
            report.error(path, lines.get("audiences", 2), "a topic needs at least one audience")
        for audience in audiences:
            if audience not in audience_ids:
                report.error(path, lines.get("audiences", 2), f"unknown audience {audience!r}")
        signposts = _str_list(path, lines, header, "signposts", report)
        for signpost in signposts:
            if signpost not in content.contacts:
                report.error(
                    path,
                    lines.get("signposts", 2),
                    f"signpost {signpost!r} is not in contacts.toml",
                )
        keywords = _str_list(path, lines, header, "keywords", report, required=False)
        owner = header.get("owner")
        if not isinstance(owner, str) or not owner.strip():
            report.error(path, lines.get("owner", 2), "header field 'owner' is missing or empty")
            owner = ""
        review_due = header.get("review_due")
        if not isinstance(review_due, dt.date) or isinstance(review_due, dt.datetime):
            report.error(
                path,
                lines.get("review_due", 2),
                "header field 'review_due' must be a date (YYYY-MM-DD, no quotes)",
            )
            review_due = dt.date.min
        body = extra["body"]
        content.topics[topic_id] = Topic(
            id=topic_id,
            strand=strand if isinstance(strand, str) else "",
            audiences=audiences,
            owner=owner,
            review_due=review_due,
            signposts=signposts,
            keywords=keywords,
            texts={SOURCE_LANG: TopicText(lang=SOURCE_LANG, path=str(path), **body)},
        )
    for topic_id, lang, header, extra, path in translations:
        lines = extra["lines"]
        topic = content.topics.get(topic_id)
        if topic is None:
            report.error(path, 1, f"translation of {topic_id!r}, which has no English file")
            continue
        if extra["strand_dir"] != topic.strand:
            report.error(
                path, 1, f"translation is not in the English file's folder {topic.strand!r}"
            )
        if header.get("lang") != lang:
            report.error(
                path,
                lines.get("lang", 2),
                f"header lang {header.get('lang')!r} differs from the file name",
            )
        status = header.get("status")
        if status not in (Status.DRAFT, Status.REVIEWED):
            report.error(
                path, lines.get("status", 2), "header 'status' must be 'draft' or 'reviewed'"
            )
            status = Status.DRAFT
        source_hash = header.get("source_hash")
        if not isinstance(source_hash, str) or not re.fullmatch(r"[0-9a-f]{12}", source_hash):
            report.error(
                path,
                lines.get("source_hash", 2),
                "header 'source_hash' must be the 12-character hash from 'outreach advice hash'",
            )
            source_hash = ""
        body = extra["body"]
        english = topic.english
        if len(body["steps"]) != len(english.steps):
            report.warning(
                path,
                body_line_hint(path),
                f"{len(body['steps'])} steps where English has {len(english.steps)}",
            )
        topic.texts[lang] = TopicText(
            lang=lang,
            status=Status(status),
            source_hash=source_hash,
            translator=str(header.get("translator", "")),
            path=str(path),
            **body,
        )


def body_line_hint(path: Path) -> int:
    """Line of the '## Steps' heading in ``path`` (1 if not found)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().lower() == "## steps":
                return number
    except OSError:
        pass
    return 1


def load_labels(content: Content, report: _Reporter) -> None:
    """Read ``labels/<lang>.toml`` files and check they name known ids."""
    folder = content.root / "advice" / "labels"
    known = {
        "themes": {t.id for t in content.themes},
        "strands": {s.id for s in content.strands},
        "audiences": {a.id for a in content.audiences},
        "contacts": set(content.contacts),
        "phrases": set(content.phrases),
        "presets": set(content.presets),
    }
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        lang = path.stem
        data = _read_toml(path, report)
        if data is None:
            continue
        lines = _key_lines(path.read_text(encoding="utf-8"))
        if data.get("lang") != lang:
            report.error(
                path, lines.get("lang", 1), f"'lang' must be {lang!r}, as in the file name"
            )
        status = data.get("status")
        if status not in (Status.DRAFT, Status.REVIEWED):
            report.error(path, lines.get("status", 1), "'status' must be 'draft' or 'reviewed'")
            status = Status.DRAFT
        labels = Labels(
            lang=lang,
            status=Status(status),
            source_hash=str(data.get("source_hash", "")),
            path=str(path),
        )
        for section, ids in known.items():
            table = data.get(section, {})
            if not isinstance(table, dict):
                report.error(path, 1, f"[{section}] must be a table")
                continue
            for key, value in table.items():
                if key not in ids:
                    report.error(path, _line_of(path, key), f"[{section}] names unknown id {key!r}")
                    continue
                if section in ("themes", "audiences", "phrases", "presets"):
                    if isinstance(value, str):
                        getattr(labels, section)[key] = value
                    else:
                        report.error(path, _line_of(path, key), f"{section}.{key} must be text")
                elif isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
                    getattr(labels, section)[key] = dict(value)
                else:
                    report.error(
                        path, _line_of(path, key), f"{section}.{key} must be a table of text"
                    )
        content.labels[lang] = labels


PRESET_FIELDS = {"id", "title", "topics", "audience", "tailoring"}
TAILORINGS = ("", "area-date")


def load_presets(content: Content, report: _Reporter) -> None:
    """Read ``advice/presets.toml``: leaflets made of known topics."""
    path = content.root / "advice" / "presets.toml"
    if not path.exists():
        return
    data = _read_toml(path, report)
    audiences = {a.id for a in content.audiences}
    for line, item in _entries(path, data, "preset", report):
        preset_id = item["id"]
        for key in sorted(set(item) - PRESET_FIELDS):
            report.error(path, line, f"preset {preset_id!r} has an unknown field {key!r}")
        title = _text_field(path, line, item, "title", report, required=True)
        topics = item.get("topics")
        if (
            not isinstance(topics, list)
            or not topics
            or not all(isinstance(t, str) for t in topics)
        ):
            report.error(path, line, f"preset {preset_id!r} needs 'topics', a list of topic ids")
            continue
        unknown = [t for t in topics if t not in content.topics]
        if unknown:
            report.error(path, line, f"preset {preset_id!r} names unknown topics: {unknown}")
            continue
        audience = _text_field(path, line, item, "audience", report, required=False)
        if audience and audience not in audiences:
            report.error(path, line, f"preset {preset_id!r} names unknown audience {audience!r}")
            audience = ""
        tailoring = _text_field(path, line, item, "tailoring", report, required=False)
        if tailoring not in TAILORINGS:
            report.error(path, line, f"preset {preset_id!r}: tailoring must be 'area-date'")
            tailoring = ""
        content.presets[preset_id] = Preset(preset_id, title, tuple(topics), audience, tailoring)


def _line_of(path: Path, key: str) -> int:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if stripped.startswith((f"{key} ", f"{key}=", f'"{key}"')) or stripped.endswith(
                f".{key}]"
            ):
                return number
    except OSError:
        pass
    return 1


def load_content(root: Path) -> Content:
    """Read every content file under ``root`` (the ``resources`` folder)."""
    content = Content(root=root)
    report = _Reporter(root, content.problems)
    load_structure(content, report)
    load_topics(content, report)
    load_presets(content, report)
    load_labels(content, report)
    strand_ids = {s.id for s in content.strands}
    used = {t.strand for t in content.topics.values()}
    for strand in sorted(strand_ids - used):
        report.warning(root / "advice" / "strands.toml", 1, f"strand {strand!r} has no topics yet")
    return content


def iter_problems(content: Content, severity: str | None = None) -> Iterable[Problem]:
    return (p for p in content.problems if severity is None or p.severity == severity)
