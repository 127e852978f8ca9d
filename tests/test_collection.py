"""Pausing garbage collection: overlapping pauses, on several threads, end as they began."""

from __future__ import annotations

import gc
import threading

import pytest

from outreach import collection


@pytest.fixture(autouse=True)
def automatic_collection_restored():
    enabled = gc.isenabled()
    yield
    assert not collection.is_paused()
    collection.set_automatic(enabled)


@pytest.mark.parametrize("automatic", [True, False])
def test_a_pause_stops_collection_and_ends_as_it_began(automatic):
    collection.set_automatic(automatic)
    with collection.collection_paused():
        assert collection.is_paused() and not gc.isenabled()
    assert not collection.is_paused() and gc.isenabled() is automatic


def test_overlapping_pauses_on_two_threads_restore_collection_once_the_last_ends():
    collection.set_automatic(True)
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with collection.collection_paused():
            entered.set()
            release.wait(10)

    with collection.collection_paused():
        thread = threading.Thread(target=other)
        thread.start()
        assert entered.wait(10)
    assert collection.is_paused() and not gc.isenabled(), "the other thread still works"
    release.set()
    thread.join(10)
    assert not collection.is_paused() and gc.isenabled()


def test_turning_automatic_collection_off_during_a_pause_holds_after_it():
    collection.set_automatic(True)
    with collection.collection_paused():
        collection.set_automatic(False)
        assert not gc.isenabled()
    assert not gc.isenabled()
