"""The content cache: reused while nothing changed, rebuilt when a file changes."""

from __future__ import annotations

from outreach.advice.library import CACHE_FILE, load_library
from tests.conftest import replace_in


def test_cache_is_reused_and_gives_the_same_library(content, tmp_path):
    cache = tmp_path / "cache"
    first = load_library(content, cache)
    assert not first.from_cache and (cache / CACHE_FILE).exists()
    second = load_library(content, cache)
    assert second.from_cache
    assert [t.id for t in second.topics] == [t.id for t in first.topics]
    assert second.search("doorstep")[0].topic_id == "doorstep-crime"


def test_a_changed_content_file_rebuilds_the_cache(content, tmp_path):
    cache = tmp_path / "cache"
    load_library(content, cache)
    path = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    replace_in(path, "# Doorstep crime and rogue traders", "# Doorstep quokkas and rogue traders")
    library = load_library(content, cache)
    assert not library.from_cache
    assert library.topic("doorstep-crime").english.title == "Doorstep quokkas and rogue traders"
    assert library.search("quokkas")[0].topic_id == "doorstep-crime"


def test_a_damaged_cache_is_rebuilt_not_trusted(content, tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"not a cache")
    library = load_library(content, cache)
    assert not library.from_cache and library.topic("doorstep-crime")
    assert load_library(content, cache).from_cache
