"""The lock and public mode as an officer and the public meet them."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QTextBrowser,
    QWidget,
)

from outreach.security.vault import set_passphrase
from outreach.services import open_record_services
from outreach.settings import Settings, SettingsStore
from outreach.storage import crypto
from outreach.storage.database import audit_trail, open_database
from outreach.ui.app import build_main_window
from outreach.ui.engagement_log import EngagementLog, FollowUpsPanel
from tests.engagements.conftest import stall

PASS = "correct horse battery"
MARK = "Aardvark-marker-venue"


@pytest.fixture(autouse=True)
def cheap_keys(monkeypatch):
    monkeypatch.setattr(crypto, "SCRYPT_N", 2**10)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    services = open_record_services(folder)
    for n in range(3):
        services.engagements.create(stall(venue=f"{MARK} {n}", notes=f"Concern {MARK}"))
    services.close()
    return folder


def texts(root: QWidget) -> str:
    """Every text a person could read in ``root``: labels, fields, views and their models."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel | QLineEdit):
            found.append(widget.text())
        if isinstance(widget, QTextBrowser):
            found.append(widget.toPlainText())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            top = QModelIndex()
            try:
                columns = model.columnCount(top)
            except TypeError:  # a list model: one column
                columns = 1
            for row in range(min(model.rowCount(top), 500)):
                for column in range(columns):
                    found.append(str(model.index(row, column).data(Qt.ItemDataRole.DisplayRole)))
    return "\n".join(found)


@pytest.fixture
def folder(tmp_path, template):
    target = tmp_path / "records"
    shutil.copytree(template, target)
    set_passphrase(target, PASS)
    return target


@pytest.fixture
def window(qtbot, ui_library, tmp_path, folder):
    store = SettingsStore(tmp_path / "settings", Settings(officer_name="PC Jo Bloggs"))
    main = build_main_window(QApplication.instance(), store, ui_library, records_folder=folder)
    qtbot.addWidget(main)
    main.lock()  # as the app starts on an encrypted database
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.started)  # shortcuts are set once it has shown
    yield main
    if main.records is not None:
        main.records.close()


def test_a_locked_app_shows_no_record(window):
    assert window.records is None and window.stack.currentWidget() is window.lock_page
    assert MARK not in texts(window)
    assert window.try_unlock(PASS)
    assert isinstance(window.engagement_log, EngagementLog)
    assert MARK in texts(window), "the check can see records when they are there"
    window.lock()
    assert window.records is None and window.engagement_log is None
    assert window.tabs.count() == 1, "only the advice tab is left"
    assert not window.find_action.isEnabled() and not window.preferences_action.isEnabled()
    for top in QApplication.topLevelWidgets():
        assert MARK not in texts(top)
        assert not top.findChildren(EngagementLog) and not top.findChildren(FollowUpsPanel)


def test_a_wrong_passphrase_keeps_it_locked_and_says_so(window, folder):
    before = (folder / "outreach.db").read_bytes()
    window.lock_page.passphrase.setText("not the passphrase")
    window.lock_page.unlock_button.click()
    assert window.locked and window.records is None
    assert "Wrong passphrase" in window.lock_page.message.text()
    assert (folder / "outreach.db").read_bytes() == before
    window.lock_page.passphrase.setText(PASS)
    window.lock_page.unlock_button.click()
    assert not window.locked and window.records is not None
    actions = [e.action for e in audit_trail(window.records.engine)]
    assert "unlock-failed" in actions and actions[-1] == "unlocked"


def test_it_locks_itself_when_idle_and_on_its_shortcut(qtbot, window):
    assert window.try_unlock(PASS)
    shortcuts = {a.shortcut().toString() for a in window.findChildren(type(window.lock_action))}
    assert window.lock_action.shortcut() == QKeySequence("Ctrl+Shift+L")
    assert "Ctrl+L" not in {window.lock_action.shortcut().toString()} and shortcuts
    # set once the window has shown: it works in dialogs and public mode too
    application_wide = Qt.ShortcutContext.ApplicationShortcut
    qtbot.waitUntil(lambda: window.lock_action.shortcutContext() == application_wide)
    window.lock_action.trigger()
    assert window.locked
    assert window.try_unlock(PASS)
    window.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: window.locked, timeout=5000)
    assert window.records is None


def test_activity_postpones_the_idle_lock(qtbot, window):
    assert window.try_unlock(PASS)
    window.idle.set_interval_ms(1500)
    for _ in range(8):
        qtbot.wait(300)
        qtbot.keyClick(window.advice_browser.search_edit, Qt.Key.Key_Shift)
    assert not window.locked, "key presses keep it open (2.4 s of activity > 1.5 s idle)"
    qtbot.waitUntil(lambda: window.locked, timeout=5000)


def test_public_mode_reaches_no_record_and_needs_the_passphrase_to_leave(
    qtbot, window, folder, monkeypatch
):
    from outreach.ui.lock import ExitPublicModeDialog

    asked = []
    monkeypatch.setattr(ExitPublicModeDialog, "exec", lambda self: asked.append(self) or 0)
    assert window.try_unlock(PASS)
    started = []
    window.public_mode_started.connect(started.append)
    window.enter_public_mode()
    kiosk = window.public_window
    qtbot.addWidget(kiosk)
    assert started == [kiosk], "the leaflet feature gets the kiosk to connect to"
    assert kiosk.isFullScreen(), kiosk.windowState()
    assert not window.isVisible()
    assert window.records is None, "the records are closed, not only hidden"
    assert not kiosk.findChildren(EngagementLog) and not kiosk.findChildren(FollowUpsPanel)
    assert MARK not in texts(kiosk)
    assert kiosk.browser.topic_view.language_combo.count() > 1, "the public picks a language"
    kiosk.close()
    assert kiosk.isVisible() and asked, "closing the kiosk window asks for the passphrase"
    assert "Wrong passphrase" in window.leave_public_mode("a guess from the public")
    assert window.public_window is kiosk
    assert window.leave_public_mode(PASS) is None
    assert window.public_window is None and window.isVisible() and not window.locked
    actions = [e.action for e in audit_trail(window.records.engine)]
    assert {"public-mode-entered", "public-mode-left", "unlock-failed"} <= set(actions)


def test_a_damaged_database_offers_the_newest_good_backup(qtbot, window, folder, monkeypatch):
    from outreach.security.vault import make_backup
    from outreach.storage.database import database_key

    make_backup(folder, database_key(folder, passphrase=PASS))
    path = folder / "outreach.db"
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 2048] = b"\x00" * 2048
    path.write_bytes(bytes(data))
    offered = []

    def choose_restore(box):
        offered.append(box.text())
        box.buttons()[0].click()
        return True

    monkeypatch.setattr(window, "confirm_restore", choose_restore)
    assert window.try_unlock(PASS)
    assert offered and "not a readable Outreach database" in offered[0]
    assert window.records.engagements.count() == 3
    assert "restore" in [e.action for e in audit_trail(window.records.engine)]
    assert open_database is not None


def test_the_passphrase_dialog_uses_the_first_run_rules(qtbot):
    from outreach.ui.lock import PassphraseDialog

    dialog = PassphraseDialog(has_passphrase=True)
    qtbot.addWidget(dialog)
    dialog.old.setText(PASS)
    dialog.new.setText("correct horse battery staple")
    dialog.again.setText("correct horse battery stable")
    dialog._check()
    assert "not the same" in dialog.message.text() and dialog.result() == 0
    dialog.new.setText("short")
    dialog.again.setText("short")
    dialog._check()
    assert "short" in dialog.message.text().lower() and dialog.result() == 0
    dialog.new.setText("aaaaaaaaaaaaaaaa")
    dialog.again.setText("aaaaaaaaaaaaaaaa")
    dialog._check()
    assert "repetitive" in dialog.message.text() and dialog.result() == 0
    dialog.new.setText("correct horse battery staple")
    dialog.again.setText("correct horse battery staple")
    dialog._check()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.values() == (PASS, "correct horse battery staple")
