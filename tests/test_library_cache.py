"""The content cache: reused while nothing changed, rebuilt when a file changes."""

from __future__ import annotations

from outreach.advice.library import CACHE_FILE, load_library
from tests.conftest import replace_in


def retitle_doorstep_crime(content):
    """Edit one content file, as a content update does."""
    path = content / "advice/topics/burglary-robbery/doorstep-crime.en.md"
    replace_in(path, "# Doorstep crime and rogue traders", "# Doorstep quokkas and rogue traders")


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
    retitle_doorstep_crime(content)
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


def test_translations_from_the_cache_load_when_first_read(content, tmp_path):
    cache = tmp_path / "cache"
    fresh = load_library(content, cache)
    cached = load_library(content, cache)
    assert cached.from_cache
    topic = cached.topic("doorstep-crime")
    assert set(topic.texts) == {"en"}, "translations stay pickled until asked for"
    assert cached.languages == fresh.languages
    assert topic.text_languages() == set(fresh.topic("doorstep-crime").texts)
    assert topic.text("ar") == fresh.topic("doorstep-crime").text("ar")
    assert "ar" in topic.texts and "bn" not in topic.texts, "one language at a time"
    assert topic.status("bn") == fresh.topic("doorstep-crime").status("bn")
    assert topic.text("xx") is None
    for other in cached.topics:
        assert other.all_texts() == fresh.topic(other.id).texts


def test_the_large_parts_are_files_of_their_own_read_when_needed(content, tmp_path):
    import pickle

    cache = tmp_path / "cache"
    load_library(content, cache)
    parts = sorted(p.name.split(".")[-1] for p in cache.glob("advice-library.*.*"))
    assert parts == ["index", "texts"]
    cached = load_library(content, cache)
    (texts,) = cache.glob("advice-library.*.texts")
    blobs = pickle.loads(texts.read_bytes())
    arabic = pickle.loads(blobs["ar"])
    arabic["doorstep-crime"] = arabic["doorstep-crime"]._replace(title="QUOKKA")
    blobs["ar"] = pickle.dumps(arabic)
    texts.write_bytes(pickle.dumps(blobs))  # after the load: seen only if read later
    assert cached.topic("doorstep-crime").text("ar").title == "QUOKKA"


def test_parts_gone_by_the_time_they_are_needed_are_made_again(content, tmp_path):
    cache = tmp_path / "cache"
    fresh = load_library(content, cache)
    cached = load_library(content, cache)
    for part in cache.glob("advice-library.*.*"):
        part.unlink()  # e.g. removed by another start's rebuild: made again from the files
    assert cached.topic("doorstep-crime").text("ar") == fresh.topic("doorstep-crime").text("ar")
    assert cached.search("doorstep")[0].topic_id == "doorstep-crime"


def test_a_rebuild_leaves_one_set_of_parts(content, tmp_path):
    cache = tmp_path / "cache"
    load_library(content, cache)
    retitle_doorstep_crime(content)
    load_library(content, cache)
    tokens = {p.name.split(".")[1] for p in cache.glob("advice-library.*.*")}
    assert len(tokens) == 1 and len(list(cache.glob("advice-library.*.*"))) == 2
    library = load_library(content, cache)
    assert library.from_cache and library.search("quokkas")[0].topic_id == "doorstep-crime"


def test_a_damaged_index_part_is_built_again(content, tmp_path):
    cache = tmp_path / "cache"
    load_library(content, cache)
    cached = load_library(content, cache)
    (index,) = cache.glob("advice-library.*.index")
    index.write_bytes(b"not an index" * 100)  # read only now, at the first search
    assert cached.search("doorstep")[0].topic_id == "doorstep-crime"


def test_labels_from_the_cache_are_unpickled_per_language_when_first_read(content, tmp_path):
    cache = tmp_path / "cache"
    fresh = load_library(content, cache)
    cached = load_library(content, cache)
    labels = cached._content.labels
    assert cached.from_cache and set(labels) == set(fresh._content.labels) and labels
    assert not labels._loaded, "an English start reads no labels"
    for lang in fresh.languages:
        assert cached.labels_status(lang) == fresh.labels_status(lang)
        for strand in fresh.strands:
            assert cached.strand_name(strand.id, lang) == fresh.strand_name(strand.id, lang)
    assert labels["ar"] == fresh._content.labels["ar"] and labels["ar"] is labels["ar"]
