"""The leaflet and report dialogs: live preview, print with copies (counted), save."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtPrintSupport import QPrinter

from outreach.engagements.model import Kind
from outreach.services import record_services
from outreach.settings import Settings, SettingsStore
from outreach.storage.database import open_database
from outreach.ui.leaflet_dialog import LeafletDialog, ReportDialog
from outreach.ui.printing import load_pdf
from tests.engagements.conftest import stall


@pytest.fixture
def records(tmp_path, ui_library):
    (tmp_path / "db").mkdir()
    services = record_services(open_database(tmp_path / "db"), ui_library, Settings())
    yield services
    services.close()


@pytest.fixture
def store(tmp_path):
    return SettingsStore(tmp_path / "settings", Settings(officer_name="PC 1 Test", team="t"))


def ready(qtbot, dialog):
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        pass
    return dialog.leaflet


def test_preview_follows_the_choices(qtbot, ui_library, store):
    dialog = LeafletDialog(ui_library, store, ["doorstep-crime"], "en")
    qtbot.addWidget(dialog)
    dialog.show()
    leaflet = ready(qtbot, dialog)
    assert leaflet.topics == ("doorstep-crime",) and leaflet.languages == ("en",)
    assert dialog.preview.document.pageCount() == leaflet.pages
    assert dialog.print_button.isEnabled()

    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.lang_combo.setCurrentIndex(dialog.lang_combo.findData("bn"))
        dialog.lang2_combo.setCurrentIndex(dialog.lang2_combo.findData("en"))
        dialog.render_now()
    assert dialog.leaflet.languages == ("bn", "en")


def test_a_preset_ticks_its_topics_and_asks_for_area_and_date(qtbot, ui_library, store):
    dialog = LeafletDialog(ui_library, store, [], "en")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.area_edit.isVisible()
    assert not dialog.print_button.isEnabled(), "nothing to print without a topic"
    assert "at least one topic" in dialog.status_label.text()
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("burglary-near-you"))
    assert dialog.area_edit.isVisible()
    assert dialog.checked_topics() == list(ui_library.presets["burglary-near-you"].topics)
    dialog.area_edit.setText("Moulsham Street")
    request = dialog.request()
    assert request.area == "Moulsham Street" and request.burglary_date == dt.date.today()
    assert request.contact.name == "PC 1 Test"
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.render_now()


def test_printing_sends_every_copy_and_counts_them(qtbot, ui_library, store, records, tmp_path):
    engagement = records.engagements.create(stall())
    dialog = LeafletDialog(ui_library, store, ["doorstep-crime"], "ur", records, engagement)
    qtbot.addWidget(dialog)
    leaflet = ready(qtbot, dialog)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert dialog.print_to(printer, 3)
    printed = load_pdf(out.read_bytes())
    assert printed.pageCount() == leaflet.pages * 3
    lines = records.engagements.get(engagement).data.leaflets
    assert [(x.topic_id, x.lang, x.count) for x in lines] == [("doorstep-crime", "ur", 3)]
    assert "counted" in dialog.status_label.text()


def test_save_as_pdf(qtbot, ui_library, store, tmp_path):
    dialog = LeafletDialog(ui_library, store, ["courier-fraud"], "pa_Guru")
    qtbot.addWidget(dialog)
    leaflet = ready(qtbot, dialog)
    path = dialog.save_to(tmp_path / "out")
    assert path == tmp_path / "out.pdf"
    assert path.read_bytes() == leaflet.pdf


def test_keyboard_print_shortcut_opens_the_dialog_from_the_main_window(window, qtbot):
    window.advice_browser.show_topic("doorstep-crime")
    assert window.leaflet_action.shortcut().toString() == "Ctrl+P"
    dialog = window.open_leaflet()
    qtbot.addWidget(dialog)
    leaflet = ready(qtbot, dialog)
    assert leaflet.topics == ("doorstep-crime",)
    dialog.close()


def test_business_report_dialog(qtbot, ui_library, store, records):
    visit = records.engagements.create(stall(kind=Kind.PREMISES_VISIT, venue="Corner Shop"))
    survey = records.surveys.start(visit, "retail", "Corner Shop Ltd")
    for question in records.surveys.checklists["retail"].questions:
        records.surveys.answer(survey, question.id, "no")
    records.surveys.complete(survey)
    dialog = ReportDialog(ui_library, records, survey, store)
    qtbot.addWidget(dialog)
    leaflet = ready(qtbot, dialog)
    assert leaflet.title == "Business security report"
    with qtbot.waitSignal(dialog.preview_ready, timeout=30000):
        dialog.lang_combo.setCurrentIndex(dialog.lang_combo.findData("ar"))
        dialog.render_now()
    assert dialog.leaflet.languages == ("ar",)


def test_public_mode_offers_leaflets_to_preview_and_print_only(window, qtbot, tmp_path):
    window.enter_public_mode()
    try:
        dialog = window.open_public_leaflet("doorstep-crime", "ar")
        qtbot.addWidget(dialog)
        leaflet = ready(qtbot, dialog)
        assert leaflet.languages == ("ar",)
        assert dialog.save_button.isHidden() and dialog.print_button.isVisible()
        assert dialog.save_to(tmp_path / "x.pdf") is None and not (tmp_path / "x.pdf").exists()
        assert dialog._records is None, "nothing of the engagement log is within reach"
        dialog.close()
    finally:
        window.leave_public_mode("")
