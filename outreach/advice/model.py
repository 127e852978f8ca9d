"""Plain data objects for the advice library.

The immutable ones are named tuples: a frozen dataclass generates six methods through
``exec`` when its module is imported; these seven and the library's LanguageReport
cost 4.6 ms of every start. (No ``from __future__ import annotations`` here: a named
tuple compiles each field's annotation when it is a string.)
"""

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

SOURCE_LANG = "en"


class Status(StrEnum):
    """How far a text can be trusted, as shown to the officer."""

    SOURCE = "source"  # the English original
    REVIEWED = "reviewed"  # translated and checked by a qualified translator
    DRAFT = "draft"  # translated, not yet reviewed
    STALE = "stale"  # translated from an older English text
    MISSING = "missing"  # no translation


class Problem(NamedTuple):
    """One thing wrong with a content file, with where it is."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.path,
            "line": self.line,
            "severity": self.severity,
            "message": self.message,
        }


class Theme(NamedTuple):
    id: str
    name: str


class Strand(NamedTuple):
    id: str
    theme: str
    name: str
    aim: str


class Audience(NamedTuple):
    id: str
    name: str


class Contact(NamedTuple):
    """A helpline or reporting route: a fact, with the date it was checked."""

    id: str
    name: str
    description: str
    scope: str = "national"
    phone: str = ""
    sms: str = ""
    textphone: str = ""
    url: str = ""
    email: str = ""
    hours: str = ""
    checked: dt.date | None = None
    source: str = ""

    def as_dict(self) -> dict[str, object]:
        data = {k: v for k, v in self._asdict().items() if v not in ("", None)}
        if self.checked:
            data["checked"] = self.checked.isoformat()
        return data


class Preset(NamedTuple):
    """A ready-made leaflet: topics for a common audience or event."""

    id: str
    title: str
    topics: tuple[str, ...]
    audience: str = ""
    tailoring: str = ""  # "" or "area-date" (burglary near you)


class TopicText(NamedTuple):
    """One language's text of a topic."""

    lang: str
    title: str
    summary: str
    steps: tuple[str, ...]
    if_it_happens: tuple[str, ...]
    who_can_help: str
    status: Status = Status.SOURCE
    source_hash: str = ""
    translator: str = ""
    path: str | None = None  # the file it came from (text: the start-up cache loads it faster)

    def content_hash(self) -> str:
        """A short fingerprint of the text, used to spot stale translations."""
        import hashlib  # (OpenSSL: not loaded at start-up)

        parts = [self.title, self.summary, *self.steps, "", *self.if_it_happens, self.who_can_help]
        digest = hashlib.sha256("\n".join(p.strip() for p in parts).encode("utf-8"))
        return digest.hexdigest()[:12]

    def body_text(self) -> str:
        """All of the text below the title, for search."""
        return "\n".join([*self.steps, *self.if_it_happens, self.who_can_help])


class PendingTexts:
    """Translations not read yet, shared by a library's topics.

    The start-up cache (outreach/advice/library.py) keeps each language's texts pickled
    apart, in a file of their own: the first window needs only English and the UI
    language, and unpickling every translation took as long as building that window.
    """

    def __init__(
        self, ids: dict[str, frozenset[str]], read: Callable[[], dict[str, bytes]]
    ) -> None:
        """``ids``: per language, the topics it has a text of; ``read()`` gives, per
        language, its pickled ``{topic id: TopicText}`` (called once, when first needed)."""
        self._ids = dict(ids)
        self._read = read
        self._blobs: dict[str, bytes] | None = None
        self._topics: dict[str, Topic] = {}
        self._lock = threading.Lock()

    def attach(self, topics: "dict[str, Topic]") -> None:
        self._topics = topics
        for topic in topics.values():
            topic._pending = self

    def has(self, topic_id: str, lang: str) -> bool:
        """Whether ``lang`` still holds a text of that topic, not yet loaded."""
        ids = self._ids.get(lang)
        return ids is not None and topic_id in ids

    def languages_of(self, topic_id: str) -> set[str]:
        return {lang for lang, ids in list(self._ids.items()) if topic_id in ids}

    def load(self, lang: str | None = None) -> None:
        """Put ``lang``'s texts (or all that are left) into their topics."""
        import pickle

        with self._lock:
            for code in [lang] if lang is not None else list(self._ids):
                if code not in self._ids:
                    continue
                if self._blobs is None:
                    self._blobs = self._read()
                blob = self._blobs.pop(code, None)
                for topic_id, text in (pickle.loads(blob) if blob else {}).items():
                    self._topics[topic_id].texts[code] = text
                del self._ids[code]


@dataclass
class Topic:
    """An advice topic with its English source and its translations.

    ``texts`` may not hold every translation yet (see :class:`PendingTexts`): read them
    through :meth:`text`, :meth:`status`, :attr:`languages` or :meth:`all_texts`.
    """

    id: str
    strand: str
    audiences: tuple[str, ...]
    owner: str
    review_due: dt.date
    signposts: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    texts: dict[str, TopicText] = field(default_factory=dict)
    _pending: PendingTexts | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def english(self) -> TopicText:
        return self.texts[SOURCE_LANG]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.all_texts(), key=lambda c: (c != SOURCE_LANG, c)))

    def text_languages(self) -> set[str]:
        """The languages this topic has a text in, without loading any."""
        found = set(self.texts)
        if self._pending is not None:
            found |= self._pending.languages_of(self.id)
        return found

    def all_texts(self) -> dict[str, TopicText]:
        """Every text of the topic, by language."""
        if self._pending is not None:
            self._pending.load()
        return self.texts

    def text(self, lang: str) -> TopicText | None:
        text = self.texts.get(lang)
        if text is None and self._pending is not None and self._pending.has(self.id, lang):
            self._pending.load(lang)
            text = self.texts.get(lang)
        return text

    def status(self, lang: str) -> Status:
        """Whether ``lang``'s text is the source, reviewed, a draft, stale or missing."""
        text = self.text(lang)
        if text is None:
            return Status.MISSING
        if lang == SOURCE_LANG:
            return Status.SOURCE
        if text.source_hash != self.english.content_hash():
            return Status.STALE
        return text.status

    def review_overdue(self, today: dt.date | None = None) -> bool:
        return self.review_due < (today or dt.date.today())


@dataclass
class Labels:
    """Translated names of themes, strands, audiences and contact descriptions."""

    lang: str
    status: Status = Status.DRAFT
    source_hash: str = ""
    themes: dict[str, str] = field(default_factory=dict)
    strands: dict[str, dict[str, str]] = field(default_factory=dict)
    audiences: dict[str, str] = field(default_factory=dict)
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    presets: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # the file it was read from


class PackedLabels(Mapping[str, "Labels"]):
    """Each language's :class:`Labels`, kept pickled until first asked for.

    The start-up cache holds them so: an English start reads none, and unpickling them
    all was two thirds of the time spent reading the cache.
    """

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self._blobs = dict(blobs)
        self._loaded: dict[str, Labels] = {}

    @classmethod
    def pack(cls, labels: "Mapping[str, Labels]") -> "PackedLabels":
        import pickle

        return cls(
            {lang: pickle.dumps(item, pickle.HIGHEST_PROTOCOL) for lang, item in labels.items()}
        )

    def __getitem__(self, lang: str) -> "Labels":
        found = self._loaded.get(lang)
        if found is None:
            import pickle

            found = self._loaded[lang] = pickle.loads(self._blobs[lang])
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)

    def __reduce__(self) -> tuple:
        return (PackedLabels, (self._blobs,))


@dataclass
class Content:
    """Everything read from the content folders, with the problems found."""

    root: Path
    themes: list[Theme] = field(default_factory=list)
    strands: list[Strand] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    contacts: dict[str, Contact] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    labels: Mapping[str, Labels] = field(default_factory=dict)  # or PackedLabels
    target_languages: tuple[str, ...] = ()
    fonts: dict[str, str] = field(default_factory=dict)
    line_spacing: dict[str, float] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)
    presets: dict[str, Preset] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
