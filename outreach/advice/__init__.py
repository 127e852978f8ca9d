"""The advice library: content files, validation and search (no Qt)."""

from __future__ import annotations

from outreach.advice.library import AdviceLibrary, load_library
from outreach.advice.model import Contact, Problem, Strand, Theme, Topic, TopicText

__all__ = [
    "AdviceLibrary",
    "Contact",
    "Problem",
    "Strand",
    "Theme",
    "Topic",
    "TopicText",
    "load_library",
]
