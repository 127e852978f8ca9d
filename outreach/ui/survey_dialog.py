"""Walk a premises security survey with the owner; see scores and recommendations."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from outreach.advice import AdviceLibrary
from outreach.engagements.survey import Answer, SurveyResult
from outreach.i18n import N_, _, format_date
from outreach.services import RecordServices

ANSWER_LABELS = {
    Answer.YES: N_("Yes"),
    Answer.PARTLY: N_("Partly"),
    Answer.NO: N_("No"),
    Answer.NOT_APPLICABLE: N_("Not applicable"),
}


class SurveyDialog(QDialog):
    """Start (choose the sector), answer section by section, then view the results.

    Every answer is stored as it is given, so the survey can be paused and resumed.
    """

    def __init__(
        self,
        services: RecordServices,
        library: AdviceLibrary,
        engagement_id: str,
        parent=None,
        settings=None,
    ):
        super().__init__(parent)
        self._settings = settings  # a SettingsStore: the officer's contact block on reports
        self._services = services
        self._library = library
        self._engagement_id = engagement_id
        self._survey_id = services.surveys.for_engagement(engagement_id)
        self.setWindowTitle(_("Premises security survey"))
        self.resize(900, 640)
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self._build_start_page()
        self.questions_page = QWidget()
        self.results_page = QWidget()
        self.stack.addWidget(self.questions_page)
        self.stack.addWidget(self.results_page)
        if self._survey_id:
            self._show_questions()
        else:
            self.stack.setCurrentWidget(self.start_page)

    # -- start -------------------------------------------------------------------------
    def _build_start_page(self) -> None:
        self.start_page = QWidget()
        self.sector_combo = QComboBox()
        for checklist in self._services.surveys.checklists.values():
            self.sector_combo.addItem(checklist.name, checklist.id)
        self.business_edit = QLineEdit()
        self.start_button = QPushButton(_("&Start survey"))
        form = QFormLayout(self.start_page)
        form.addRow(_("Business &sector:"), self.sector_combo)
        form.addRow(_("&Business name:"), self.business_edit)
        form.addRow(self.start_button)
        self.start_button.clicked.connect(self.start)
        self.stack.addWidget(self.start_page)

    def start(self) -> None:
        self._survey_id = self._services.surveys.start(
            self._engagement_id, self.sector_combo.currentData(), self.business_edit.text()
        )
        self._show_questions()

    # -- questions ---------------------------------------------------------------------
    def _show_questions(self) -> None:
        state = self._services.surveys.state(self._survey_id)
        checklist = self._services.surveys.checklists[state.sector]
        self.groups: dict[str, QButtonGroup] = {}
        page = QWidget()
        self.sections_list = QListWidget()
        self.sections_list.setAccessibleName(_("Survey sections"))
        self.section_stack = QStackedWidget()
        for section in checklist.sections:
            self.sections_list.addItem(section.name)
            inner = QWidget()
            column = QVBoxLayout(inner)
            for question in section.questions:
                box = QGroupBox(question.text)
                box_layout = QVBoxLayout(box)
                if question.help:
                    hint = QLabel(question.help)
                    hint.setWordWrap(True)
                    hint.setStyleSheet("color: palette(placeholder-text);")
                    box_layout.addWidget(hint)
                row = QHBoxLayout()
                group = QButtonGroup(box)
                for answer, label in ANSWER_LABELS.items():
                    radio = QRadioButton(_(label))
                    radio.setProperty("answer", answer.value)
                    if state.answers.get(question.id) == answer.value:
                        radio.setChecked(True)
                    group.addButton(radio)
                    row.addWidget(radio)
                row.addStretch(1)
                box_layout.addLayout(row)
                group.buttonClicked.connect(
                    lambda button, qid=question.id: self.answer(qid, button.property("answer"))
                )
                self.groups[question.id] = group
                column.addWidget(box)
            column.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(inner)
            self.section_stack.addWidget(scroll)
        self.sections_list.currentRowChanged.connect(self.section_stack.setCurrentIndex)
        self.sections_list.setCurrentRow(0)
        self.sections_list.setMaximumWidth(320)
        self.sections_list.setWordWrap(True)
        self.progress_label = QLabel()
        self.results_button = QPushButton(_("See &results"))
        self.complete_button = QPushButton(_("&Complete survey"))
        self.pause_button = QPushButton(_("&Pause (answers are kept)"))
        body = QHBoxLayout()
        body.addWidget(self.sections_list)
        body.addWidget(self.section_stack, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress_label)
        buttons.addStretch(1)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.results_button)
        buttons.addWidget(self.complete_button)
        layout = QVBoxLayout(page)
        title = QLabel(f"<b>{checklist.name}</b> {state.business_name}")
        layout.addWidget(title)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)
        self.results_button.clicked.connect(self.show_results)
        self.complete_button.clicked.connect(self.complete)
        self.pause_button.clicked.connect(self.accept)
        self.stack.removeWidget(self.questions_page)
        self.questions_page = page
        self.stack.insertWidget(1, page)
        self.stack.setCurrentWidget(page)
        self._update_progress()

    def answer(self, question_id: str, answer: str) -> None:
        self._services.surveys.answer(self._survey_id, question_id, answer)
        self._update_progress()

    def _update_progress(self) -> None:
        state = self._services.surveys.state(self._survey_id)
        total = len(self._services.surveys.checklists[state.sector].questions)
        self.progress_label.setText(
            _("{answered} of {total} questions answered").format(
                answered=len(state.answers), total=total
            )
        )

    # -- results -----------------------------------------------------------------------
    def complete(self) -> SurveyResult:
        result = self._services.surveys.complete(self._survey_id)
        self._show_results(result)
        return result

    def open_report(self):
        """The owner's report (preview, print, save) for this survey."""
        from outreach.ui.leaflet_dialog import ReportDialog

        dialog = ReportDialog(self._library, self._services, self._survey_id, self._settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_results(self) -> SurveyResult:
        result = self._services.surveys.result(self._survey_id)
        self._show_results(result)
        return result

    def _show_results(self, result: SurveyResult) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        overall = "—" if result.overall is None else f"{result.overall:.0f}%"
        heading = QLabel(
            "<h2>"
            + _("Overall security score: {score}").format(score=overall)
            + "</h2>"
            + _("Proposed follow-up visit: {date}").format(date=format_date(result.follow_up_date))
        )
        layout.addWidget(heading)
        bars = QFormLayout()
        self.section_bars: dict[str, QProgressBar] = {}
        for section in result.sections:
            bar = QProgressBar()
            bar.setRange(0, 100)
            if section.score is None:
                bar.setValue(0)
                bar.setFormat(_("not answered"))
            else:
                bar.setValue(round(section.score))
                bar.setFormat("%p%")
            bar.setAccessibleName(section.name)
            bars.addRow(section.name, bar)
            self.section_bars[section.section_id] = bar
        layout.addLayout(bars)
        self.recommendations = QTextBrowser()
        self.recommendations.setAccessibleName(_("Recommendations in priority order"))
        parts = ["<h3>" + _("Recommendations, most important first") + "</h3><ol>"]
        for rec in result.recommendations:
            topics = [self._library.topic(t) for t in rec.topics]
            links = ", ".join(t.english.title for t in topics if t)
            advice = _("Advice:")
            extra = f"<br/><i>{advice} {links}</i>" if links else ""
            parts.append(f"<li><b>{rec.section}</b>: {rec.text}{extra}</li>")
        if not result.recommendations:
            parts.append("<p>" + _("No recommendations: every answer was secure.") + "</p>")
        parts.append("</ol>")
        self.recommendations.setHtml("".join(parts))
        layout.addWidget(self.recommendations, 1)
        back = QPushButton(_("&Back to questions"))
        self.report_button = QPushButton(_("&Report for the owner…"))
        self.report_button.setToolTip(_("A PDF for the owner, in their language, to print or save"))
        close = QPushButton(_("Close"))
        row = QHBoxLayout()
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(self.report_button)
        row.addWidget(close)
        layout.addLayout(row)
        back.clicked.connect(lambda: self.stack.setCurrentWidget(self.questions_page))
        close.clicked.connect(self.accept)
        self.report_button.clicked.connect(self.open_report)
        self.stack.removeWidget(self.results_page)
        self.results_page = page
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.result = result
        self.results_heading = heading
        heading.setTextFormat(Qt.TextFormat.RichText)
