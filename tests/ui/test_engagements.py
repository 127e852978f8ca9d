"""The engagement screens as an officer uses them: editor, stall mode, survey, follow-ups."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from outreach.engagements.demo import generate
from outreach.engagements.model import ConcernLine, EngagementFilter, FollowUpLine, Kind
from outreach.services import record_services
from outreach.settings import Settings, SettingsStore
from outreach.storage.database import open_database
from outreach.ui.engagement_editor import NEW_DRAFT_KEY, EngagementEditor
from outreach.ui.engagement_log import EngagementLog, FollowUpsPanel
from outreach.ui.survey_dialog import SurveyDialog
from tests.engagements.conftest import stall


@pytest.fixture
def records(tmp_path, ui_library):
    engine = open_database(tmp_path)
    services = record_services(engine, ui_library, Settings(officer_name="PC Jo Bloggs"))
    yield services
    services.close()


@pytest.fixture
def settings(tmp_path):
    return SettingsStore(
        tmp_path / "settings",
        Settings(officer_name="PC Jo Bloggs", team="town-centre", district="colchester"),
    )


@pytest.fixture
def log(qtbot, records, ui_library, settings):
    widget = EngagementLog(records, ui_library, settings)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_log_an_engagement_through_the_editor(qtbot, log, records, ui_library, settings):
    editor = log.new_engagement()
    qtbot.addWidget(editor)
    data = editor.data()
    assert (data.district, data.team, data.officer) == ("colchester", "town-centre", "PC Jo Bloggs")
    assert data.starts_at.date() == dt.date.today(), "defaults to today"
    qtbot.keyClicks(editor.venue_edit, "12 Acacia Avenue")
    editor.strands_list.item(0).setCheckState(Qt.CheckState.Checked)
    editor.people_spin.setValue(25)
    assert not editor.try_save()
    assert editor.error_labels["venue"].isVisible(), "the message sits next to the field"
    assert "home address" in editor.error_labels["venue"].text()
    assert records.engagements.count() == 0
    editor.venue_edit.setText("Colchester Castle Park summer fete")
    editor.add_concern(ConcernLine("Cars speeding on the park road"))
    editor.add_follow_up(FollowUpLine("Ask roads policing for a speed check", dt.date.today()))
    with qtbot.waitSignal(editor.saved):
        assert editor.try_save()
    assert records.engagements.count() == 1
    assert log.model.total == 1 and log.model.rowCount() == 1
    stored = records.engagements.get(records.engagements.rows()[0].id).data
    assert stored.venue == "Colchester Castle Park summer fete" and stored.people_engaged == 25
    assert stored.concerns[0].raised == "Cars speeding on the park road"
    assert records.drafts.load(NEW_DRAFT_KEY) is None, "a saved engagement leaves no draft"


def test_drafts_are_saved_as_you_type_and_restored(qtbot, records, ui_library, settings):
    editor = EngagementEditor(records, ui_library, settings.settings)
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.venue_edit, "Half-typed venue")
    qtbot.waitUntil(lambda: records.drafts.load(NEW_DRAFT_KEY) is not None, timeout=3000)
    editor.deleteLater()  # as if the app had died: no save, no cancel
    again = EngagementEditor(records, ui_library, settings.settings)
    qtbot.addWidget(again)
    assert again.venue_edit.text() == "Half-typed venue"
    again.show()
    assert again.banner.isVisible() and "Restored" in again.banner.text()


def test_cocooning_fields_show_only_for_cocooning(qtbot, records, ui_library, settings):
    editor = EngagementEditor(records, ui_library, settings.settings)
    qtbot.addWidget(editor)
    editor.show()
    assert not editor.cocooning_box.isVisible()
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData(Kind.COCOONING))
    assert editor.cocooning_box.isVisible()
    editor.venue_edit.setText("Roads around Elm Close")
    editor.doors_knocked_spin.setValue(10)
    editor.doors_answered_spin.setValue(12)
    assert not editor.try_save()
    assert editor.error_labels["doors_answered"].isVisible()


def test_stall_mode_tally_with_keyboard_and_button(qtbot, log, records, ui_library):
    ident = records.engagements.create(stall(people_engaged=0))
    log.refresh()
    log.table.selectRow(0)
    dialog = log.open_stall_mode()
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.tally_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog, Qt.Key.Key_Space)
    qtbot.keyClick(dialog, Qt.Key.Key_Space)
    qtbot.keyClick(dialog, Qt.Key.Key_Backspace)
    assert dialog.count == 2 and dialog.count_label.text() == "2"
    assert records.engagements.get(ident).data.people_engaged == 2, "every click is stored at once"
    assert dialog.leaflet_buttons
    qtbot.mouseClick(dialog.leaflet_buttons[0], Qt.MouseButton.LeftButton)
    topic_id, lang = dialog.leaflet_buttons[0].property("leaflet")
    leaflets = records.engagements.get(ident).data.leaflets
    assert [(x.topic_id, x.lang, x.count) for x in leaflets] == [(topic_id, lang, 1)]
    dialog.accept()
    assert log.model.row_at(0).people_engaged == 2


def test_survey_from_start_to_recommendations(qtbot, records, ui_library):
    visit = records.engagements.create(stall(kind=Kind.PREMISES_VISIT, venue="Corner Shop"))
    dialog = SurveyDialog(records, ui_library, visit)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.sector_combo.setCurrentIndex(dialog.sector_combo.findData("retail"))
    dialog.business_edit.setText("Corner Shop")
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    checklist = records.surveys.checklists["retail"]
    first = checklist.questions[0].id
    for row, section in enumerate(checklist.sections):
        dialog.sections_list.setCurrentRow(row)  # the officer walks section by section
        QApplication.processEvents()
        for question in section.questions:
            wanted = "no" if question.id == first else "yes"
            group = dialog.groups[question.id]
            button = next(b for b in group.buttons() if b.property("answer") == wanted)
            dialog.section_stack.currentWidget().ensureWidgetVisible(button)
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert (
        f"{len(checklist.questions)} of {len(checklist.questions)}" in dialog.progress_label.text()
    )
    result = dialog.complete()
    assert result.recommendations[0].question_id == checklist.questions[0].id
    assert checklist.questions[0].recommendation in dialog.recommendations.toPlainText()
    first_section = checklist.sections[0].id
    assert dialog.section_bars[first_section].value() < 100
    assert "Proposed follow-up visit" in dialog.results_heading.text()
    # resuming later shows the stored answers
    again = SurveyDialog(records, ui_library, visit)
    qtbot.addWidget(again)
    checked = again.groups[checklist.questions[0].id].checkedButton()
    assert checked is not None and checked.property("answer") == "no"


def test_follow_up_and_you_said_lists(qtbot, records):
    ident = records.engagements.create(
        stall(
            follow_ups=[
                FollowUpLine("Post the leaflet pack", dt.date.today() - dt.timedelta(days=1))
            ],
            concerns=[ConcernLine("Dark alleyway by the shops")],
        )
    )
    panel = FollowUpsPanel(records)
    qtbot.addWidget(panel)
    QAbstractItemModelTester(
        panel.follow_ups_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    follow_ups = panel.follow_ups_model
    assert follow_ups.rowCount() == 1
    assert follow_ups.index(0, 1).data() == "Post the leaflet pack"
    assert follow_ups.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Overdue"
    assert panel.concerns_model.index(0, 1).data() == "Dark alleyway by the shops"
    panel.follow_ups.selectRow(0)
    panel.mark_done()
    assert follow_ups.rowCount() == 0
    assert records.engagements.get(ident).data.follow_ups[0].done_on == dt.date.today()


def test_list_fetches_lazily_and_filters(qtbot, log, records):
    generate(records.engine, records.engagements.vocab, records.engagements.laptop_id, 1500, seed=3)
    log.refresh()
    QAbstractItemModelTester(log.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert log.model.total == 1500
    assert log.model.rowCount() < 1500, "only a page is fetched at first"
    log.table.scrollToBottom()
    QApplication.processEvents()
    assert log.model.rowCount() > 256
    log.district_combo.setCurrentIndex(log.district_combo.findData("harlow"))
    expected = records.engagements.count(EngagementFilter(district="harlow"))
    assert log.model.total == expected and 0 < expected < 1500
    assert "engagements" in log.count_label.text()
    log.search_edit.setText("DEMO")
    qtbot.waitUntil(lambda: log.model.total == expected, timeout=2000)


def test_contact_needs_consent_and_history_shows_changes(qtbot, log, records, ui_library, settings):
    ident = records.engagements.create(stall())
    editor = EngagementEditor(records, ui_library, settings.settings, ident)
    qtbot.addWidget(editor)
    editor.show()
    editor.contact_name_edit.setText("A. Resident")
    editor.contact_phone_edit.setText("07700 900123")
    editor.contact_purpose_edit.setText("Call back about bike marking")
    assert not editor.add_contact(), "no consent ticked, no contact"
    assert editor.error_labels["contacts"].isVisible()
    editor.contact_consent_check.setChecked(True)
    assert editor.add_contact()
    assert editor.contacts_table.rowCount() == 1
    # whether the details go to HQ is shown where the consent is taken
    assert "HQ" in editor.contact_purpose_edit.placeholderText()
    assert editor.contacts_table.horizontalHeaderItem(3).text() == "Goes to HQ"
    assert editor.contacts_table.item(0, 3).text() == "No"
    editor.contact_name_edit.setText("B. Resident")
    editor.contact_purpose_edit.setText("Invitation to HQ's community panel")
    editor.contact_consent_check.setChecked(True)
    assert editor.add_contact()
    assert editor.contacts_table.item(1, 3).text() == "Yes"
    editor._contacts.pop()
    editor._show_contacts()
    assert editor.try_save()
    contact = records.engagements.get(ident).data.contacts[0]
    assert (
        contact.consent_version == "contact-consent-v1"
        and contact.consent_taken_by == "PC Jo Bloggs"
    )
    assert contact.retain_until > dt.date.today()
    again = EngagementEditor(records, ui_library, settings.settings, ident)
    qtbot.addWidget(again)
    history = again.history_view.toPlainText()
    assert "create" in history and "update: contacts" in history and "PC Jo Bloggs" in history
    assert "07700" not in history
