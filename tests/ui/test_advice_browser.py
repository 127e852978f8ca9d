"""The advice browser as an officer uses it: browse, filter, search, switch languages."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from outreach.paths import icons_dir
from outreach.settings import Settings, load_settings
from outreach.ui.advice_models import STRAND_ROLE


def test_opens_on_the_advice_browser_with_every_topic(window, ui_library):
    browser = window.advice_browser
    assert window.tabs.currentWidget() is browser, "the app opens on the advice browser"
    assert browser.visible_topic_ids() == [t.id for t in ui_library.topics]
    themes = [
        browser.strand_model.item(r).text() for r in range(1, browser.strand_model.rowCount())
    ]
    assert themes == ["Serious violence", "Organised crime", "Vulnerabilities", "Complex needs"]


def test_models_pass_the_item_model_tester(window):
    browser = window.advice_browser
    QAbstractItemModelTester(
        browser.topic_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    QAbstractItemModelTester(
        browser.strand_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    browser.select_strand("hate-crime")


def test_browse_a_strand_and_filter_by_audience(window, ui_library, qtbot):
    browser = window.advice_browser
    browser.select_strand("knife-crime")
    assert browser.current_strand() == "knife-crime"
    expected = [t.id for t in ui_library.topics_in("knife-crime")]
    assert browser.visible_topic_ids() == expected
    assert "knife" in browser.strand_aim.text().lower()
    index = browser.audience_combo.findData("parents")
    browser.audience_combo.setCurrentIndex(index)
    assert browser.visible_topic_ids() == [
        t.id for t in ui_library.topics_in("knife-crime", "parents")
    ]
    assert len(browser.visible_topic_ids()) < len(expected)


def test_keyboard_browsing_of_strands(window, qtbot):
    browser = window.advice_browser
    tree = browser.strand_tree
    tree.setFocus()
    first_strand = browser.strand_model.item(1).child(0)
    tree.setCurrentIndex(first_strand.index())
    qtbot.keyClick(tree, Qt.Key.Key_Down)
    assert tree.currentIndex().data(STRAND_ROLE) == browser.strand_model.item(1).child(1).data(
        STRAND_ROLE
    )
    assert browser.visible_topic_ids()


def test_search_as_you_type(window, qtbot):
    browser = window.advice_browser
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert browser.search_edit.hasFocus()
    qtbot.keyClicks(browser.search_edit, "doorst")
    qtbot.waitUntil(lambda: browser.visible_topic_ids()[:1] == ["doorstep-crime"], timeout=2000)
    assert "doorst" in browser.topics_heading.text()
    qtbot.keyClick(browser.search_edit, Qt.Key.Key_Return)
    assert browser.topic_view.topic.id == "doorstep-crime"
    assert "Doorstep" in browser.topic_view.content_view.toPlainText()


def test_search_finds_translations(window, qtbot):
    browser = window.advice_browser
    browser.search_edit.setText("oszusci")
    qtbot.waitUntil(lambda: browser.visible_topic_ids()[:1] == ["doorstep-crime"], timeout=2000)


def test_switch_content_language_shows_marks_and_english_alongside(window, tmp_path):
    browser = window.advice_browser
    view = browser.topic_view
    browser.show_topic("doorstep-crime")
    assert view.marks() == []
    view.set_content_language("pl")
    assert "Oszuści przy drzwiach" in view.content_view.toPlainText()
    assert view.english_view.isVisible()
    assert "Doorstep crime" in view.english_view.toPlainText()
    assert any("Draft translation" in m for m in view.marks())
    assert view.marks_label.isVisible()
    view.set_content_language("ar")
    assert any("Out of date" in m for m in view.marks())
    assert view.content_view.layoutDirection() == Qt.LayoutDirection.RightToLeft
    view.set_content_language("lt")
    assert any("Not yet translated" in m for m in view.marks())
    assert "Doorstep crime" in view.content_view.toPlainText()
    view.english_check.setChecked(False)
    view.set_content_language("pl")
    assert not view.english_view.isVisible()
    saved = load_settings(tmp_path / "settings")
    assert saved.content_language == "pl" and saved.show_english_alongside is False


def test_overdue_review_is_marked(window, ui_library):
    overdue = ui_library.overdue_topics()
    assert overdue, "the shipped content has a topic past its review date"
    browser = window.advice_browser
    assert browser.show_topic(overdue[0].id)
    assert any("Review overdue" in m for m in browser.topic_view.marks())
    row = browser.topic_model.row_of(overdue[0].id)
    mark = browser.topic_model.index(row).data(Qt.ItemDataRole.DecorationRole)
    assert not mark.isNull(), "the icon's file loads"
    assert mark.deviceIndependentSize().toSize() == QSize(16, 16)
    for size in (16, 32, 48):
        assert not QPixmap(str(icons_dir() / f"review-overdue-{size}.png")).isNull()
    others = [t for t in ui_library.topics if t not in overdue]
    plain = browser.topic_model.index(browser.topic_model.row_of(others[0].id))
    assert plain.data(Qt.ItemDataRole.DecorationRole) is None


def test_switch_ui_to_arabic_lays_out_right_to_left(window, qtbot):
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    window.apply_settings(Settings(ui_language="ar"))
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.advice_browser.search_label.text() == "&ابحث في النصائح:"
    assert window.file_menu.title() == "&ملف"
    window.apply_settings(Settings(ui_language="pl"))
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert window.advice_browser.audience_combo.itemText(0) == "Wszyscy odbiorcy"
    window.apply_settings(Settings(ui_language="en"))
    assert window.file_menu.title() == "&File"


def test_a_change_of_language_keeps_the_strand_and_lists_its_topics_once(
    window, ui_library, monkeypatch
):
    browser = window.advice_browser
    browser.select_strand("knife-crime")
    listed: list[int] = []
    set_topics = browser.topic_model.set_topics
    monkeypatch.setattr(
        browser.topic_model,
        "set_topics",
        lambda topics: listed.append(len(topics)) or set_topics(topics),
    )
    window.apply_settings(Settings(ui_language="pl"))
    assert browser.current_strand() == "knife-crime"
    assert browser.visible_topic_ids() == [t.id for t in ui_library.topics_in("knife-crime")]
    assert listed == [len(browser.visible_topic_ids())], "listed once, not per change of strand"
    polish = ui_library.strand_name("knife-crime", "pl")
    assert polish != ui_library.strand_name("knife-crime", "en")
    assert browser.topics_heading.text() == f"<b>{polish}: {listed[-1]}</b>"
    window.apply_settings(Settings(ui_language="en"))
    assert browser.topic_view.english_check.text() == "Show &English alongside"


def test_list_text_is_the_title_and_the_accessible_text_carries_the_marks(window, ui_library):
    """The list paints titles alone; screen readers still hear the marks (and tooltips)."""
    topic = ui_library.overdue_topics()[0]
    model = window.advice_browser.topic_model
    index = model.index(model.row_of(topic.id))
    assert index.data(Qt.ItemDataRole.DisplayRole) == topic.english.title
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith(topic.english.title) and "Review overdue" in spoken
    assert "Review overdue" in index.data(Qt.ItemDataRole.ToolTipRole)


def test_language_picker_is_not_measured_but_still_fits_its_entries(window, ui_library):
    """The picker's size no longer comes from its entries (their scripts' fonts would load
    before the first paint), yet in the window as it opens every entry fits, unclipped."""
    combo = window.advice_browser.topic_view.language_combo
    assert [combo.itemData(i) for i in range(combo.count())] == list(ui_library.languages)
    metrics = combo.fontMetrics()
    widest = max(metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
    assert combo.width() > widest
    combo.showPopup()
    try:
        assert combo.view().width() > widest
    finally:
        combo.hidePopup()
    combo.setCurrentIndex(combo.findData("ur"))
    assert combo.currentText().startswith("اردو")
