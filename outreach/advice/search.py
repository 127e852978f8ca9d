"""Ranked full-text search over every topic in every language (SQLite FTS5).

The index is built in memory from the loaded content, so it is always in step with the
content files; rebuilding it for the whole library takes a few tens of milliseconds.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from outreach.advice.model import Topic
from outreach.advice.textfold import fold

# bm25 weights for: title, keywords, summary, body
_WEIGHTS = (10.0, 6.0, 3.0, 1.0)


@dataclass(frozen=True)
class SearchHit:
    """One topic that matched, in the language where it matched best."""

    topic_id: str
    lang: str
    title: str
    summary: str
    score: float


def query_terms(text: str) -> list[str]:
    """Split a typed query into folded search terms (punctuation dropped)."""
    folded = fold(text)
    cleaned = "".join(
        " " if unicodedata.category(ch)[0] in "PSZC" and ch not in "\u200c\u200d" else ch
        for ch in folded
    )
    return [t for t in cleaned.split() if t]


class SearchIndex:
    """An FTS5 index of topic texts."""

    def __init__(self, topics: Iterable[Topic], serialized: bytes | None = None) -> None:
        """Index ``topics``; with ``serialized`` (from :meth:`serialize`), reuse that index."""
        topics = list(topics)
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._titles: dict[tuple[str, str], tuple[str, str]] = {
            (topic.id, lang): (text.title, text.summary)
            for topic in topics
            for lang, text in topic.all_texts().items()
        }
        if serialized is not None:
            try:
                self._db.deserialize(serialized)
                self._db.execute("SELECT count(*) FROM docs").fetchone()
                return
            except sqlite3.DatabaseError:  # a damaged cache file: index the texts again
                self._db.close()
                self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5("
            "topic_id UNINDEXED, lang UNINDEXED, title, keywords, summary, body,"
            " tokenize = 'unicode61 remove_diacritics 0')"
        )
        rows = []
        for topic in topics:
            for lang, text in topic.all_texts().items():
                keywords = " ".join(topic.keywords) if lang == "en" else ""
                rows.append(
                    (
                        topic.id,
                        lang,
                        fold(text.title),
                        fold(keywords),
                        fold(text.summary),
                        fold(text.body_text()),
                    )
                )
        self._db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._db.commit()

    def serialize(self) -> bytes:
        """The index as bytes, to cache between runs."""
        return self._db.serialize()

    def search(self, text: str, lang: str | None = None, limit: int = 50) -> list[SearchHit]:
        """Topics matching every word of ``text`` (word prefixes count), best first.

        With ``lang``, only that language's texts are searched; otherwise all languages,
        and each topic is reported once, in the language where it matched best.
        """
        terms = query_terms(text)
        if not terms:
            return []
        match = " AND ".join('"' + t.replace('"', '""') + '"*' for t in terms)
        sql = (
            "SELECT topic_id, lang, bm25(docs, 0, 0, ?, ?, ?, ?) AS score FROM docs"
            " WHERE docs MATCH ?"
        )
        params: list[object] = [*_WEIGHTS, match]
        if lang:
            sql += " AND lang = ?"
            params.append(lang)
        sql += " ORDER BY score LIMIT ?"
        params.append(limit * 12)
        best: dict[str, SearchHit] = {}
        for topic_id, hit_lang, score in self._db.execute(sql, params):
            if topic_id in best:
                continue
            title, summary = self._titles[(topic_id, hit_lang)]
            best[topic_id] = SearchHit(topic_id, hit_lang, title, summary, -score)
            if len(best) >= limit:
                break
        return list(best.values())
