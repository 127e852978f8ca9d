"""The export dialog and HQ's window, driven as an officer and an analyst would."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from outreach.engagements.demo import generate
from outreach.ui.export_dialog import ExportDialog
from outreach.ui.hq_view import HqView
from tests.hq.conftest import full_record


@pytest.fixture
def exported(qtbot, tmp_path, laptops):
    north = laptops[0]
    s = north.services
    generate(s.engine, s.engagements.vocab, s.engagements.laptop_id, 120, seed=5)
    s.engagements.create(full_record())
    dialog = ExportDialog(north.exporter, tmp_path / "stick")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_export_dialog_shows_what_went_in_and_where(qtbot, exported, tmp_path):
    dialog = exported
    assert "121 engagements" in dialog.pending_label.text()
    assert dialog.export_button.isEnabled()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    written = dialog.result.summary.path
    assert written.exists() and written.parent == tmp_path / "stick"
    assert str(written) in dialog.status_label.text()
    assert "Engagements: 121" in dialog.summary.toPlainText()
    assert "Contacts whose consent covers HQ: 1" in dialog.summary.toPlainText()
    assert "since the last export" in dialog.pending_label.text()


def test_export_dialog_without_hq_key_asks_for_it(qtbot, tmp_path, library, hq_folder):
    from outreach.exchange.export import ExportService
    from outreach.services import record_services
    from outreach.storage.database import open_database

    folder = tmp_path / "fresh"
    folder.mkdir()
    services = record_services(open_database(folder), library)
    dialog = ExportDialog(ExportService(services.engine, folder, "PC Fresh"), tmp_path)
    qtbot.addWidget(dialog)
    assert not dialog.export_button.isEnabled()
    assert "choose the key file" in dialog.hq_key_label.text()
    dialog.use_hq_key(hq_folder / "hq" / "hq-public.json")
    assert dialog.export_button.isEnabled()
    services.close()


def test_hq_view_imports_with_progress_and_draws_the_dashboard(qtbot, exported, hq_folder):
    dialog = exported
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    view = HqView(hq_folder)
    qtbot.addWidget(view)
    view.show()
    view.enrol(dialog.exporter.data_dir / "missing.json")
    assert "not a usable laptop public key" in view.log.toPlainText()
    key = hq_folder / "north.json"
    import json

    key.write_text(json.dumps(dialog.exporter.laptop_key().to_json()))
    view.enrol(key)
    junk = hq_folder / "junk.bundle"
    junk.write_bytes(b"junk")
    view.import_bundles([dialog.result.summary.path, junk])
    qtbot.waitUntil(lambda: bool(view.outcomes), timeout=60_000)
    QApplication.processEvents()
    log = view.log.toPlainText()
    assert "new 121" in log
    assert "Refused junk.bundle: This is not an Outreach bundle" in log
    assert "rejected 1" in log
    # the demo engagements are left out of the figures until the officer counts them
    assert "120 demo engagements left out" in view.demo_note.text()
    assert ">1<" in view.totals_labels["engagements"].text()
    view.include_demo_box.setChecked(True)
    assert view.demo_note.text() == ""
    assert "121" in view.totals_labels["engagements"].text()
    assert view.progress.value() == 2
    strand_chart = view.chart_views["strand"].chart()
    assert strand_chart.title() == "Engagements by strand"
    assert sum(strand_chart.series()[0].barSets()[0].at(i)
               for i in range(strand_chart.series()[0].barSets()[0].count())) >= 121  # fmt: skip
    view.close()
