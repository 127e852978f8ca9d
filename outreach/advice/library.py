"""The advice library service: loaded content, localised labels and search."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import sys
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from outreach import __version__, i18n
from outreach.advice.model import (
    SOURCE_LANG,
    Contact,
    Content,
    Labels,
    PackedLabels,
    PendingTexts,
    Preset,
    Problem,
    Status,
    Strand,
    Theme,
    Topic,
    TopicText,
)
from outreach.paths import resources_dir
from outreach.settings import atomic_write_bytes

if TYPE_CHECKING:
    from outreach.advice.search import SearchHit, SearchIndex


class LanguageReport(NamedTuple):
    """How complete and current one content language is."""

    lang: str
    topics: int
    translated: int
    drafts: int
    reviewed: int
    stale: int
    labels: str  # status of labels/<lang>.toml: missing, draft, reviewed or stale

    @property
    def coverage(self) -> float:
        return 100.0 * self.translated / self.topics if self.topics else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "lang": self.lang,
            "coverage": round(self.coverage, 1),
            "topics": self.topics,
            "translated": self.translated,
            "drafts": self.drafts,
            "reviewed": self.reviewed,
            "stale": self.stale,
            "labels": self.labels,
        }


class AdviceLibrary:
    """Read-only view of the advice content, with search and localised names."""

    def __init__(
        self, content: Content, index: bytes | Callable[[], bytes | None] | None = None
    ) -> None:
        """``index``: the serialized search index, or what reads it when first searched
        (None from it: the index is built again from the texts)."""
        self._content = content
        self._serialized_index = index
        self.from_cache = index is not None
        order = {s.id: i for i, s in enumerate(content.strands)}
        self._topics = sorted(
            content.topics.values(),
            key=lambda t: (order.get(t.strand, len(order)), t.english.title.casefold()),
        )

    # -- structure -------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self._content.root

    @property
    def problems(self) -> list[Problem]:
        return self._content.problems

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._content.problems if p.severity == "error"]

    @property
    def themes(self) -> list[Theme]:
        return self._content.themes

    @property
    def strands(self) -> list[Strand]:
        return self._content.strands

    def strands_of(self, theme_id: str) -> list[Strand]:
        return [s for s in self._content.strands if s.theme == theme_id]

    @property
    def audience_ids(self) -> list[str]:
        return [a.id for a in self._content.audiences]

    @property
    def contacts(self) -> dict[str, Contact]:
        return self._content.contacts

    @property
    def topics(self) -> list[Topic]:
        """Every topic, in strategy order (theme, strand), then by English title."""
        return list(self._topics)

    def topic(self, topic_id: str) -> Topic | None:
        return self._content.topics.get(topic_id)

    def topics_in(self, strand_id: str | None = None, audience: str | None = None) -> list[Topic]:
        """Topics of a strand (or all), optionally only those for an audience."""
        return [
            t
            for t in self._topics
            if (strand_id is None or t.strand == strand_id)
            and (audience is None or audience in t.audiences)
        ]

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """Content languages: English, then targets and any language with files."""
        found = {lang for t in self._content.topics.values() for lang in t.text_languages()}
        found |= set(self._content.labels)
        found |= set(self._content.target_languages)
        found.discard(SOURCE_LANG)
        return (SOURCE_LANG, *sorted(found))

    # -- localised labels --------------------------------------------------------------
    def _labels(self, lang: str) -> Labels | None:
        return self._content.labels.get(lang) if lang != SOURCE_LANG else None

    def labels_status(self, lang: str) -> Status:
        if lang == SOURCE_LANG:
            return Status.SOURCE
        labels = self._labels(lang)
        if labels is None:
            return Status.MISSING
        if labels.source_hash != self.labels_hash:
            return Status.STALE
        return labels.status

    @cached_property
    def labels_hash(self) -> str:
        """Fingerprint of the English labels (worked out when first needed)."""
        from outreach.advice.loader import english_labels_hash

        return english_labels_hash(self._content)

    def theme_name(self, theme_id: str, lang: str = SOURCE_LANG) -> str:
        labels = self._labels(lang)
        if labels and theme_id in labels.themes:
            return labels.themes[theme_id]
        return next((t.name for t in self.themes if t.id == theme_id), theme_id)

    def strand_name(self, strand_id: str, lang: str = SOURCE_LANG) -> str:
        labels = self._labels(lang)
        if labels and labels.strands.get(strand_id, {}).get("name"):
            return labels.strands[strand_id]["name"]
        return next((s.name for s in self.strands if s.id == strand_id), strand_id)

    def strand_aim(self, strand_id: str, lang: str = SOURCE_LANG) -> str:
        labels = self._labels(lang)
        if labels and labels.strands.get(strand_id, {}).get("aim"):
            return labels.strands[strand_id]["aim"]
        return next((s.aim for s in self.strands if s.id == strand_id), "")

    def audience_name(self, audience_id: str, lang: str = SOURCE_LANG) -> str:
        labels = self._labels(lang)
        if labels and audience_id in labels.audiences:
            return labels.audiences[audience_id]
        return next((a.name for a in self._content.audiences if a.id == audience_id), audience_id)

    def contact_text(self, contact_id: str, field: str, lang: str = SOURCE_LANG) -> str:
        """A contact's description or hours in ``lang`` (English when untranslated)."""
        labels = self._labels(lang)
        if labels and labels.contacts.get(contact_id, {}).get(field):
            return labels.contacts[contact_id][field]
        return getattr(self._content.contacts[contact_id], field)

    def phrase(self, key: str, lang: str = SOURCE_LANG) -> str:
        """A fixed phrase printed around topic text (e.g. "Who can help") in ``lang``."""
        labels = self._labels(lang)
        if labels and labels.phrases.get(key):
            return labels.phrases[key]
        return self._content.phrases.get(key, key)

    @property
    def presets(self) -> dict[str, Preset]:
        return self._content.presets

    def preset_title(self, preset_id: str, lang: str = SOURCE_LANG) -> str:
        """A preset's printed title in ``lang`` (English if not translated)."""
        labels = self._labels(lang)
        if labels and labels.presets.get(preset_id):
            return labels.presets[preset_id]
        return self._content.presets[preset_id].title

    def font_for(self, lang: str) -> str | None:
        """The preferred font family for ``lang``'s script, if the content names one."""
        return self._content.fonts.get(lang)

    def line_spacing(self, lang: str) -> float:
        """Line spacing the script needs (1.0 = the font's own)."""
        return self._content.line_spacing.get(lang, 1.0)

    # -- search and reports ----------------------------------------------------------
    @cached_property
    def _index(self) -> SearchIndex:
        # Imported on first search: sqlite3 and the folding tables are not needed to start.
        from outreach.advice.search import SearchIndex

        serialized = self._serialized_index
        if callable(serialized):
            serialized = serialized()
        return SearchIndex(self._content.topics.values(), serialized)

    def search(self, text: str, lang: str | None = None, limit: int = 50) -> list[SearchHit]:
        """Ranked topics matching ``text``; see :meth:`SearchIndex.search`."""
        return self._index.search(text, lang, limit)

    def resolve_language(self, code: str) -> str | None:
        """Match a typed code (``pt``, ``pa-Guru``, ``AR``) to a content language."""
        wanted = code.strip().replace("-", "_").lower()
        for lang in self.languages:
            if lang.lower() == wanted:
                return lang
        prefix = [lang for lang in self.languages if lang.lower().split("_")[0] == wanted]
        return prefix[0] if len(prefix) == 1 else None

    def language_reports(self) -> list[LanguageReport]:
        topics = self.topics
        reports = []
        for lang in self.languages[1:]:
            statuses = [t.status(lang) for t in topics]
            reports.append(
                LanguageReport(
                    lang=lang,
                    topics=len(topics),
                    translated=sum(s is not Status.MISSING for s in statuses),
                    drafts=statuses.count(Status.DRAFT),
                    reviewed=statuses.count(Status.REVIEWED),
                    stale=statuses.count(Status.STALE),
                    labels=str(self.labels_status(lang)),
                )
            )
        return reports

    def overdue_topics(self, today: dt.date | None = None) -> list[Topic]:
        return [t for t in self.topics if t.review_overdue(today)]


CACHE_FILE = "advice-library.cache"
_CODE = ("model.py", "loader.py", "search.py", "textfold.py", "library.py")


def _fingerprint(root: Path) -> str:
    """Changes whenever a content file or the code that reads it changes.

    The path, size and modification time of each file, one line each, compared whole
    with the cached one: no hashing (hashlib loads OpenSSL, a millisecond of every start).
    """
    lines = [f"{__version__}|{root.resolve()}"]
    if getattr(sys, "frozen", False):
        # An application bundle has no source files: its executable stands for the code.
        code = [Path(sys.executable)]
    else:
        here = Path(__file__).resolve().parent
        code = [*(here / name for name in _CODE), Path(i18n.__file__)]  # names are cached too
    for path in code:
        stat = path.stat()
        lines.append(f"{path}|{stat.st_size}|{stat.st_mtime_ns}")
    files = []
    folders = [os.fspath(root)]
    prefix = len(folders[0]) + 1
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    folders.append(entry.path)
                else:
                    stat = entry.stat()
                    files.append(f"{entry.path[prefix:]}|{stat.st_size}|{stat.st_mtime_ns}")
    files.sort()
    return "\n".join(lines + files)


class _CacheParts:
    """The two large parts of the content cache, each in its own file and read when first
    needed: the translations (read when a text in another language is) and the search
    index (read at the first search).

    Their names carry a token of the cache that wrote them, so another start's rebuild
    never mixes its parts with ours. A part gone or damaged by then is made again from
    the content files.
    """

    def __init__(self, folder: Path, token: str, root: Path) -> None:
        self.folder, self.token, self.root = folder, token, root

    def path(self, kind: str) -> Path:
        return self.folder / f"advice-library.{self.token}.{kind}"

    def translations(self) -> dict[str, bytes]:
        try:
            blobs = pickle.loads(self.path("texts").read_bytes())
            if isinstance(blobs, dict):
                return blobs
        except Exception:  # gone or damaged: read from the content files instead
            pass
        from outreach.advice.loader import load_content

        return _translation_blobs(load_content(self.root))[1]

    def index(self) -> bytes | None:
        try:
            return self.path("index").read_bytes() or None
        except OSError:
            return None  # built again from the texts

    def write(self, blobs: dict[str, bytes], index: bytes) -> None:
        atomic_write_bytes(self.path("texts"), pickle.dumps(blobs, pickle.HIGHEST_PROTOCOL))
        atomic_write_bytes(self.path("index"), index)

    def remove_others(self) -> None:
        for other in self.folder.glob("advice-library.*.*"):
            if other.name.split(".")[1] != self.token:
                other.unlink(missing_ok=True)  # (raises where another start still reads it)


def _translation_blobs(
    content: Content,
) -> tuple[Content, dict[str, bytes], dict[str, frozenset[str]]]:
    """The content with English texts only (and its labels packed); each translation
    pickled on its own; and the topics each language has a text of."""
    translations: dict[str, dict[str, TopicText]] = {}
    topics = {}
    for topic_id, topic in content.topics.items():
        for lang, text in topic.all_texts().items():
            if lang != SOURCE_LANG:
                translations.setdefault(lang, {})[topic_id] = text
        topics[topic_id] = dataclasses.replace(topic, texts={SOURCE_LANG: topic.english})
    blobs = {
        lang: pickle.dumps(texts, protocol=pickle.HIGHEST_PROTOCOL)
        for lang, texts in translations.items()
    }
    ids = {lang: frozenset(texts) for lang, texts in translations.items()}
    packed = dataclasses.replace(content, topics=topics, labels=PackedLabels.pack(content.labels))
    return packed, blobs, ids


def load_library(root: Path | None = None, cache_dir: Path | None = None) -> AdviceLibrary:
    """Load the advice library from ``root`` (default: the shipped resources).

    With ``cache_dir``, the parsed content, its search index and language names are
    kept there between runs and reused while no content file has changed. From the
    cache, the translations and the search index are read when first needed (see
    :class:`_CacheParts` and :class:`PendingTexts`).
    """
    # The parser of the content files is imported only when they are read: a start
    # from the cache does without it.
    root = root or resources_dir()
    if cache_dir is None:
        from outreach.advice.loader import load_content

        return AdviceLibrary(load_content(root))
    fingerprint = _fingerprint(root)
    path = cache_dir / CACHE_FILE
    try:
        with path.open("rb") as fh:
            cached = pickle.load(fh)
        if cached["fingerprint"] == fingerprint:
            i18n.preload_language_names(cached["names"])
            content = cached["content"]
            parts = _CacheParts(cache_dir, cached["token"], root)
            PendingTexts(cached["text_ids"], parts.translations).attach(content.topics)
            return AdviceLibrary(content, parts.index)
    except Exception:  # a missing, old or damaged cache is rebuilt, never trusted
        pass
    from outreach.advice.loader import load_content

    library = AdviceLibrary(load_content(root))
    for code in library.languages:
        i18n.native_language_name(code)
        for ui in i18n.available_ui_languages():
            i18n.language_name(code, ui)
    english, blobs, ids = _translation_blobs(library._content)
    parts = _CacheParts(cache_dir, os.urandom(8).hex(), root)
    payload = {
        "fingerprint": fingerprint,
        "token": parts.token,
        "content": english,
        "text_ids": ids,
        "names": i18n.language_names(),
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        parts.write(blobs, library._index.serialize())
        atomic_write_bytes(path, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
        parts.remove_others()
    except OSError:
        pass  # a read-only or full disk only costs speed next time
    return library
