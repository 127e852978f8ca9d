"""Malformed content and settings files: clear errors only, no crash, nothing changed.

Property-based (hypothesis). ``OUTREACH_HYPOTHESIS_EXAMPLES`` raises the number of
examples for a longer run (the default keeps the suite quick).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tomllib
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outreach.advice.loader import load_content
from outreach.paths import resources_dir
from outreach.settings import SETTINGS_FILE, Settings, SettingsError, load_settings

EXAMPLES = int(os.environ.get("OUTREACH_HYPOTHESIS_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TOPIC = "advice/topics/burglary-robbery/doorstep-crime"
TARGETS = [
    "advice/strands.toml",
    "advice/languages.toml",
    "advice/phrases.toml",
    "advice/labels/pl.toml",
    "contacts.toml",
    f"{TOPIC}.en.md",
    f"{TOPIC}.pl.md",
    f"{TOPIC}.ar.md",
]


@pytest.fixture(scope="module")
def small_content(tmp_path_factory) -> Path:
    """The shipped content cut down to one strand's topics (so each example is quick)."""
    root = tmp_path_factory.mktemp("content") / "resources"
    shutil.copytree(resources_dir(), root)
    for folder in (root / "advice" / "topics").iterdir():
        if folder.name != "burglary-robbery":
            shutil.rmtree(folder)
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


mutations = st.tuples(
    st.sampled_from(["cut", "insert", "delete", "junk", "text", "encoding"]),
    st.integers(0, 10_000),  # where, as a fraction of the file's length
    st.integers(1, 200),  # how much to delete
    st.binary(max_size=600),
    st.text(max_size=600),
)


def mutate(original: bytes, mutation: tuple) -> bytes:
    """A damaged version of ``original``: cut, spliced with junk, or replaced by junk.

    The mutation is drawn independently of the file, so generating it never depends on
    what is on disk.
    """
    kind, where, length, junk, text = mutation
    at = len(original) * where // 10_000
    if kind == "cut":
        return original[:at]
    if kind == "insert":
        return original[:at] + text[:40].encode("utf-8", "surrogatepass") + original[at:]
    if kind == "delete":
        return original[:at] + original[at + length :]
    if kind == "junk":
        return junk
    if kind == "encoding":
        return original.decode("utf-8").encode("utf-16")
    return text.encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def originals(small_content) -> dict[str, bytes]:
    return {target: (small_content / target).read_bytes() for target in TARGETS}


@given(mutation=mutations, target=st.sampled_from(TARGETS))
@SETTINGS
def test_damaged_content_files_give_clear_problems_and_change_nothing(
    small_content, originals, mutation, target
):
    path = small_content / target
    original = originals[target]
    path.write_bytes(mutate(original, mutation))
    try:
        before = snapshot(small_content)
        content = load_content(small_content)  # must not raise, whatever the bytes
        assert snapshot(small_content) == before, "loading never writes to the content"
        for problem in content.problems:  # each names the file (and line) it is about
            assert problem.severity in {"error", "warning"}
            assert ".toml" in str(problem) or ".md" in str(problem), str(problem)
    finally:
        path.write_bytes(original)


toml_values = st.recursive(
    st.none().map(lambda _: "")
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)
setting_names = st.sampled_from([f.name for f in Settings.__dataclass_fields__.values()]) | st.text(
    max_size=12
)


@given(document=st.dictionaries(setting_names, toml_values, max_size=8))
@SETTINGS
def test_settings_with_wrong_values_give_a_clear_error_and_change_nothing(tmp_path, document):
    path = tmp_path / SETTINGS_FILE
    payload = tomli_w.dumps(document).encode("utf-8")
    path.write_bytes(payload)
    try:
        loaded = load_settings(tmp_path)
    except SettingsError as exc:
        assert str(path) in str(exc) or SETTINGS_FILE in str(exc)
    else:
        assert isinstance(loaded, Settings)
        for name, value in document.items():
            if name in Settings.__dataclass_fields__ and name != "version":
                assert getattr(loaded, name) == value
    assert path.read_bytes() == payload, "a bad settings file is never rewritten"


@given(raw=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8")))
@SETTINGS
def test_settings_files_of_any_bytes_give_a_clear_error_and_change_nothing(tmp_path, raw):
    path = tmp_path / SETTINGS_FILE
    path.write_bytes(raw)
    try:
        tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        with pytest.raises(SettingsError, match=r"settings|UTF-8"):
            load_settings(tmp_path)
    else:
        try:
            load_settings(tmp_path)
        except SettingsError as exc:
            assert SETTINGS_FILE in str(exc)
    assert path.read_bytes() == raw
