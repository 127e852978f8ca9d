"""Starting the app: window first, records database opened beside it."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

from outreach.advice import load_library
from outreach.settings import Settings, SettingsStore
from outreach.storage.database import DB_FILE, current_revision, head_revision
from outreach.ui.app import CACHE_FOLDER, start


def test_start_shows_the_advice_browser_and_opens_the_database(qtbot, tmp_path):
    _app, window, opener = start(str(tmp_path))
    qtbot.addWidget(window)
    assert window.isVisible()
    assert window.advice_browser.visible_topic_ids()
    engine = opener.wait(60)
    assert engine is not None
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
    assert (tmp_path / "cache").is_dir(), "the content cache lives in the data folder"


def test_an_unusable_database_is_reported_and_advice_still_works(qtbot, tmp_path, no_message_boxes):
    (tmp_path / DB_FILE).write_bytes(b"garbage" * 50)
    _app, window, opener = start(str(tmp_path))
    qtbot.addWidget(window)
    assert opener.wait(60) is None
    qtbot.waitUntil(lambda: bool(no_message_boxes), timeout=10000)
    kind, message = no_message_boxes[0]
    assert kind == "critical" and "only the advice library" in message
    assert (tmp_path / DB_FILE).read_bytes() == b"garbage" * 50
    window.advice_browser.search_edit.setText("doorstep")
    qtbot.waitUntil(lambda: window.advice_browser.visible_topic_ids()[:1] == ["doorstep-crime"])


def test_a_damaged_survey_checklist_is_named_and_advice_still_works(
    qtbot, tmp_path, content, monkeypatch, no_message_boxes
):
    (content / "surveys" / "retail.toml").write_text('id = "retail"\nname = \n', encoding="utf-8")
    monkeypatch.setenv("OUTREACH_CONTENT_DIR", str(content))
    data = tmp_path / "records"
    _app, window, opener = start(str(data))
    qtbot.addWidget(window)
    assert opener.wait(60) is not None, "the database itself is fine"
    qtbot.waitUntil(lambda: bool(no_message_boxes), timeout=10000)
    kind, message = no_message_boxes[0]
    assert kind == "critical" and "retail.toml" in message
    assert window.engagement_log is None
    assert window.advice_browser.visible_topic_ids()


# What the window must not wait for: the records' storage, leaflets, export and HQ.
HEAVY = ("sqlalchemy", "alembic", "reportlab", "cryptography", "openpyxl", "sqlcipher3",
         "PySide6.QtPrintSupport", "outreach.ui.settings_dialog",
         # nor for what only a search, a shown topic or a formatted date needs
         "babel", "decimal", "sqlite3", "html", "outreach.advice.search",
         # nor for what only hashing or the keys of an encrypted database need
         "hashlib", "outreach.storage.crypto",
         # nor, from the cache, for the parser of the content files
         "outreach.advice.loader",
         # nor for what only the commands of the command line need (PySide imports argparse)
         "json")  # fmt: skip
PROBE = """
import sys
import outreach.cli  # the way in of every start
import PySide6.QtCore
from PySide6.QtWidgets import QApplication
import outreach.ui.app as app_module
import outreach.ui.idle as idle_module
import outreach.ui.main_window as window_module
app_module.RECORDS_DELAY_MS = idle_module.WATCH_DELAY_MS = window_module.AFTER_PAINT_MS = 10**8
passphrase = app_module.run_first_run(sys.argv[1])  # done already: returns at once
app, window, opener = app_module.start(sys.argv[1], passphrase)
assert window.isVisible()
# Checked as start() returns with the window shown: the database opener's timer has not
# run yet (no event loop), so whatever is loaded here was loaded on the way to the window.
shown = sorted(({m.split(".")[0] for m in sys.modules} | set(sys.modules)) & set(sys.argv[2:]))
QApplication.processEvents()
# PySide builds the 1,195 enum members of Qt's namespace in Python on its first use.
qt_namespace = "Qt" in vars(PySide6.QtCore)
untranslated = sum(len(t.texts) - 1 for t in window.advice_browser.library.topics)
opener.wait()
print(repr([shown, qt_namespace, untranslated]))
"""


def test_the_window_shows_before_the_heavy_libraries_are_imported(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # As at every start but the first: the officer has been through the first-run wizard,
    # and the content cache is filled (filling it builds the search index and asks Babel
    # for the language names).
    SettingsStore(tmp_path).save(Settings(officer_name="PC Sam Example", first_run_done=True))
    load_library(cache_dir=tmp_path / CACHE_FOLDER)
    for encrypted in (False, True):
        if encrypted:
            from outreach.security.vault import set_passphrase

            set_passphrase(tmp_path, "correct horse battery staple")
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(tmp_path), *HEAVY],
            capture_output=True, text=True, env=env, timeout=120, check=True,
        )  # fmt: skip
        shown, qt_namespace, translations = ast.literal_eval(out.stdout.splitlines()[-1])
        assert shown == [], (encrypted, out.stderr[-2000:])
        if not encrypted:  # (the lock page is not the usual start: it may use Qt's enums)
            assert not qt_namespace, "Qt's namespace was used before the window painted"
            assert translations == 0, "an English start unpickled translations"


def test_item_roles_are_qts():
    from PySide6.QtCore import Qt

    from outreach.ui import advice_models as m

    roles = (m.DISPLAY_ROLE, m.DECORATION_ROLE, m.TOOLTIP_ROLE, m.ACCESSIBLE_TEXT_ROLE, m.USER_ROLE)
    assert roles == (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
                     Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole,
                     Qt.ItemDataRole.UserRole)  # fmt: skip


GARBAGE_PROBE = """
import gc, time, weakref
gc.disable()  # as the entry points start
from PySide6.QtWidgets import QApplication
from outreach.ui import garbage
from outreach.ui.app import resume_garbage_collection
app = QApplication([])
resume_garbage_collection()  # once the window shows
print("automatic:", gc.isenabled(), "frozen:", gc.get_freeze_count() > 0)
class Node:
    pass
node = Node(); node.me = node; gone = weakref.ref(node); del node
allocated = [[] for _ in range(2 * gc.get_threshold()[0])]  # a collection is due
print("at once:", gone() is None)
deadline = time.monotonic() + 5
while gone() is not None and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.01)
print("between events:", gone() is None)
"""


def test_garbage_is_collected_between_events_once_the_window_shows():
    """Not by Python's automatic collector, which can start inside a Qt destructor and
    delete a widget there: a hang (outreach/ui/garbage.py)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", GARBAGE_PROBE], capture_output=True, text=True, env=env,
        timeout=60, check=True,
    ).stdout.splitlines()  # fmt: skip
    assert out == ["automatic: False frozen: True", "at once: False", "between events: True"]


def test_collect_if_due_follows_the_automatic_collectors_thresholds(monkeypatch):
    from types import SimpleNamespace

    from outreach.ui import garbage

    collected: list[int] = []
    counts = [(700, 11, 11), (701, 10, 11), (701, 11, 10), (701, 11, 11)]
    monkeypatch.setattr(garbage, "gc", SimpleNamespace(
        get_threshold=lambda: (700, 10, 10), get_count=lambda: counts.pop(0),
        collect=lambda generation=2: collected.append(generation) or 0,
    ))  # fmt: skip
    for _ in range(4):
        garbage.collect_if_due()
    assert collected == [0, 1, 2]


def test_pysides_check_of_each_import_is_quickened_and_gives_its_answers(tmp_path):
    import json as stdlib_module

    import outreach.ui.app as qt_module

    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert getattr(check, "quickened", False), "PySide reads every module's source again"
    modules = [m for name, m in sys.modules.items() if name.startswith("outreach")]
    modules += [stdlib_module, sys, os]  # a plain module, a built-in one, a frozen one
    modules += sourceless_modules(tmp_path)  # as in the bundle
    assert [check(m) for m in modules] == [check.upstream(m) for m in modules]
    assert check(qt_module) and not check(stdlib_module)


def sourceless_modules(folder):
    """Two modules imported from compiled code alone (one mentions PySide6), and one
    whose source lies beside its compiled code."""
    import importlib
    import py_compile

    for name, text in [
        ("qt_less", "X = 1\n"),
        ("qt_user", "import PySide6\n"),
        ("kept", "import PySide6\n"),
    ]:
        source = folder / f"{name}.py"
        source.write_text(text)
        py_compile.compile(str(source), cfile=str(folder / f"{name}.pyc"), doraise=True)
        if name != "kept":
            source.unlink()
    sys.path.insert(0, str(folder))
    try:
        modules = [importlib.import_module(name) for name in ("qt_less", "qt_user", "kept")]
    finally:
        sys.path.remove(str(folder))
        for name in ("qt_less", "qt_user", "kept"):
            sys.modules.pop(name, None)
    assert [m.__file__.endswith(".pyc") for m in modules] == [True, True, False]
    return modules


def test_the_apps_collector_waits_while_work_has_paused_collection(monkeypatch):
    from types import SimpleNamespace

    from outreach.collection import collection_paused
    from outreach.ui import garbage

    collected: list[int] = []
    monkeypatch.setattr(garbage, "gc", SimpleNamespace(
        get_threshold=lambda: (700, 10, 10), get_count=lambda: (10**6, 10**3, 10**3),
        collect=lambda generation=2: collected.append(generation) or 0,
    ))  # fmt: skip
    with collection_paused():  # as an HQ import parsing a bundle's JSON on a worker
        assert garbage.collect_if_due() == 0
    assert garbage.collect_if_due() == 0 and collected == [2], "due once the pause ends"
