"""Builders for test content."""

from __future__ import annotations

from pathlib import Path

from outreach.advice import load_library


def translation(
    content: Path,
    topic_id: str,
    lang: str,
    *,
    title: str,
    summary: str,
    steps: list[str] | None = None,
    source_hash: str | None = None,
    status: str = "draft",
) -> Path:
    """Write a translation of ``topic_id`` into ``lang`` in the content copy."""
    library = load_library(content)
    topic = library.topic(topic_id)
    assert topic is not None
    english = topic.english
    steps = steps or [f"{title} {i}" for i in range(len(english.steps))]
    happens = [f"{summary} ({i})" for i in range(len(english.if_it_happens))]
    text = "\n".join(
        [
            "+++",
            f'id = "{topic_id}"',
            f'lang = "{lang}"',
            f'status = "{status}"',
            f'source_hash = "{source_hash or english.content_hash()}"',
            "+++",
            "",
            f"# {title}",
            "",
            "## Summary",
            summary,
            "",
            "## Steps",
            *[f"- {s}" for s in steps],
            "",
            "## If it happens",
            *[f"- {h}" for h in happens],
            "",
            "## Who can help",
            summary,
            "",
        ]
    )
    path = content / "advice" / "topics" / topic.strand / f"{topic_id}.{lang}.md"
    path.write_text(text, encoding="utf-8")
    return path
