"""Make a tailored leaflet (or an owner's business report): choose, preview, print, save."""

from __future__ import annotations

import datetime as dt
import queue
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from outreach.advice import AdviceLibrary
from outreach.collection import collection_paused
from outreach.i18n import _, language_label, language_name, ngettext
from outreach.leaflets import (
    FontMissingError,
    Layout,
    Leaflet,
    LeafletError,
    LeafletRequest,
    render_leaflet,
)
from outreach.leaflets.service import officer_contact, qr_url, record_print, save_pdf
from outreach.settings import SettingsStore
from outreach.ui.printing import PdfPreview, PrintError, print_pdf


class PdfDialog(QDialog):
    """A PDF made off the UI thread, previewed, printed (with copies) and saved."""

    preview_ready = Signal(int)
    printed = Signal(int)

    def __init__(self, parent: QWidget | None = None, allow_save: bool = True) -> None:
        super().__init__(parent)
        self.allow_save = allow_save
        self.leaflet: Leaflet | None = None
        self._generation = 0
        # The worker thread touches no Qt object: it leaves its result in this queue,
        # which a timer on the UI thread empties.
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._poll = QTimer(self)
        self._poll.setInterval(25)
        self._poll.timeout.connect(self._collect)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.render_now)
        self.preview = PdfPreview(self)
        self.copies_spin = QSpinBox()
        self.copies_spin.setRange(1, 1000)
        self.print_button = QPushButton()
        self.print_button.setDefault(True)
        self.save_button = QPushButton()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_leaflet)
        self.save_button.clicked.connect(self.save_as)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_leaflet)
        if allow_save:
            QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)
        self.save_button.setVisible(allow_save)

    def action_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.copies_label = QLabel()
        self.copies_label.setBuddy(self.copies_spin)
        row.addWidget(self.copies_label)
        row.addWidget(self.copies_spin)
        row.addWidget(self.print_button)
        row.addWidget(self.save_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        return row

    def retranslate_actions(self) -> None:
        self.copies_label.setText(_("&Copies:"))
        self.print_button.setText(_("&Print…"))
        self.print_button.setToolTip(_("Print through the system print dialog (Ctrl+P)"))
        self.save_button.setText(_("&Save as PDF…"))
        self.save_button.setToolTip(_("Save the PDF (Ctrl+S)"))

    # -- rendering -----------------------------------------------------------------
    def make(self) -> Callable[[], Leaflet]:
        """A function that renders the PDF as chosen now (run on a worker thread)."""
        raise NotImplementedError

    def schedule(self) -> None:
        """Render again shortly (choices change quickly while the officer types)."""
        self._timer.start()

    def render_now(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        try:
            job = self.make()
        except LeafletError as exc:
            self._show_problem(str(exc))
            return
        self.status_label.setText(_("Preparing the preview…"))
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)
        results = self._results

        def work() -> None:
            # No garbage collection on this thread while it lays out: a collection here
            # could finalise Qt objects that belong to the UI thread (a crash).
            with collection_paused():
                try:
                    results.put((generation, job(), ""))
                except (LeafletError, FontMissingError) as exc:
                    results.put((generation, None, str(exc)))

        _render_pool().start(work)
        self._poll.start()

    def _collect(self) -> None:
        while True:
            try:
                generation, leaflet, error = self._results.get_nowait()
            except queue.Empty:
                return
            self._on_rendered(generation, leaflet, error)

    def _on_rendered(self, generation: int, leaflet: Leaflet | None, error: str) -> None:
        if generation != self._generation:
            return  # an older choice finished after a newer one was asked for
        self._poll.stop()
        if leaflet is None:
            self._show_problem(error)
            return
        self.leaflet = leaflet
        self.preview.set_pdf(leaflet.pdf)
        self.status_label.setText(self.describe(leaflet))
        self.print_button.setEnabled(True)
        self.save_button.setEnabled(True)
        self.preview_ready.emit(leaflet.pages)

    def _show_problem(self, message: str) -> None:
        self.leaflet = None
        self.preview.clear()
        self.status_label.setText(message)
        self.print_button.setEnabled(False)
        self.save_button.setEnabled(False)

    def describe(self, leaflet: Leaflet) -> str:
        pages = ngettext("{n} page", "{n} pages", leaflet.pages).format(n=leaflet.pages)
        languages = " + ".join(language_name(code) for code in leaflet.languages)
        return f"{leaflet.title} · {languages} · {pages}"

    # -- output --------------------------------------------------------------------
    def print_leaflet(self) -> bool:
        if self.leaflet is None:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setCopyCount(self.copies_spin.value())
        printer.setDocName(self.leaflet.title)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return self.print_to(printer, printer.copyCount())

    def print_to(self, printer: QPrinter, copies: int) -> bool:
        """Print the current PDF on ``printer`` and count the copies."""
        if self.leaflet is None:
            return False
        try:
            print_pdf(self.leaflet.pdf, printer, copies)
        except PrintError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return False
        self.after_print(copies)
        self.printed.emit(copies)
        return True

    def after_print(self, copies: int) -> None:
        self.status_label.setText(
            ngettext(
                "Sent {n} copy to the printer.", "Sent {n} copies to the printer.", copies
            ).format(n=copies)
        )

    def save_as(self) -> Path | None:
        if self.leaflet is None or not self.allow_save:
            return None
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save as PDF"), self.suggested_name(), _("PDF files (*.pdf)")
        )
        if not name:
            return None
        return self.save_to(Path(name))

    def save_to(self, path: Path) -> Path | None:
        if self.leaflet is None or not self.allow_save:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(path.suffix + ".pdf")
        try:
            save_pdf(self.leaflet, path)
        except LeafletError as exc:
            QMessageBox.warning(self, self.windowTitle(), str(exc))
            return None
        self.status_label.setText(_("Saved to {path}").format(path=path))
        return path

    def suggested_name(self) -> str:
        return "leaflet.pdf"


_pool: QThreadPool | None = None


def _render_pool() -> QThreadPool:
    """One rendering at a time: ReportLab's font tables are shared."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


class LeafletDialog(PdfDialog):
    """Choose topics or a preset, languages, audience, layout and a tailored line."""

    def __init__(
        self,
        library: AdviceLibrary,
        settings: SettingsStore,
        topics: list[str] | None = None,
        lang: str = "en",
        records=None,
        engagement_id: str | None = None,
        parent: QWidget | None = None,
        allow_save: bool = True,
    ) -> None:
        super().__init__(parent, allow_save)
        self._library = library
        self._settings = settings
        self._records = records
        self._engagement_id = engagement_id
        self.setObjectName("leafletDialog")
        self.resize(1180, 800)
        self._build(topics or [], lang)
        self.retranslate_ui()
        self._connect()
        self.render_now()

    def _build(self, topics: list[str], lang: str) -> None:
        library = self._library
        self.preset_combo = QComboBox()
        self.preset_combo.addItem("", "")
        for preset in library.presets.values():
            self.preset_combo.addItem(preset.title, preset.id)
        self.topic_filter = QLineEdit()
        self.topic_filter.setClearButtonEnabled(True)
        self.topic_list = QListWidget()
        self.topic_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.topic_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        for topic in sorted(library.topics, key=lambda t: t.english.title.casefold()):
            item = QListWidgetItem(topic.english.title)
            item.setData(Qt.ItemDataRole.UserRole, topic.id)
            item.setToolTip(topic.english.title)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if topic.id in topics else Qt.CheckState.Unchecked
            )
            self.topic_list.addItem(item)
        self.lang_combo = QComboBox()
        self.lang2_combo = QComboBox()
        self.lang2_combo.addItem("", "")
        for code in library.languages:
            self.lang_combo.addItem(language_label(code), code)
            self.lang2_combo.addItem(language_label(code), code)
        self.lang_combo.setCurrentIndex(max(self.lang_combo.findData(lang), 0))
        self.audience_combo = QComboBox()
        self.audience_combo.addItem("", "")
        for audience in library.audience_ids:
            self.audience_combo.addItem(library.audience_name(audience), audience)
        self.layout_combo = QComboBox()
        for layout in Layout:
            self.layout_combo.addItem("", layout.value)
        saved = self._settings.settings.leaflet_layout
        self.layout_combo.setCurrentIndex(max(self.layout_combo.findData(saved), 0))
        self.for_edit = QLineEdit()
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.area_edit = QLineEdit()
        self.burglary_date_edit = QDateEdit(QDate.currentDate())
        self.burglary_date_edit.setCalendarPopup(True)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)

        form = QFormLayout()
        self.form = form
        for widget in (
            self.preset_combo,
            self.topic_filter,
            self.topic_list,
            self.lang_combo,
            self.lang2_combo,
            self.audience_combo,
            self.layout_combo,
            self.for_edit,
            self.date_edit,
            self.area_edit,
            self.burglary_date_edit,
        ):
            form.addRow(QLabel(), widget)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(form, 1)
        left_layout.addWidget(self.count_label)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.preview)
        split.setStretchFactor(1, 1)
        split.setSizes([420, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(self.action_row())

    def _label(self, widget: QWidget) -> QLabel:
        label = self.form.labelForField(widget)
        assert isinstance(label, QLabel)
        label.setBuddy(widget)
        return label

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Leaflet"))
        labels = {
            self.preset_combo: _("Pre&set:"),
            self.topic_filter: _("&Topics:"),
            self.topic_list: "",
            self.lang_combo: _("&Language:"),
            self.lang2_combo: _("Second lan&guage:"),
            self.audience_combo: _("&Audience:"),
            self.layout_combo: _("La&yout:"),
            self.for_edit: _("Prepared &for:"),
            self.date_edit: _("&Visit date:"),
            self.area_edit: _("Burglary a&rea:"),
            self.burglary_date_edit: _("Burglary &date:"),
        }
        for widget, text in labels.items():
            self._label(widget).setText(text)
        self.preset_combo.setItemText(0, _("Topics chosen below"))
        self.lang2_combo.setItemText(0, _("None (one language)"))
        self.audience_combo.setItemText(0, _("Anyone"))
        names = {
            Layout.A4: _("A4 leaflet, two sides"),
            Layout.A5: _("A5 handout"),
            Layout.LARGE: _("Large print (A4)"),
        }
        for index in range(self.layout_combo.count()):
            self.layout_combo.setItemText(index, names[Layout(self.layout_combo.itemData(index))])
        self.topic_filter.setPlaceholderText(_("Filter topics"))
        self.topic_list.setAccessibleName(_("Topics on the leaflet"))
        self.for_edit.setPlaceholderText(_("e.g. Mrs Jones, or The Crown, High Street"))
        if self._engagement_id:
            self.count_label.setText(_("Printed copies are counted on the engagement."))
        else:
            self.count_label.setText(
                _("Open the leaflet from an engagement to count printed copies on it.")
            )
        self.retranslate_actions()
        self._update_tailoring()

    def _connect(self) -> None:
        for combo in (
            self.lang_combo,
            self.lang2_combo,
            self.audience_combo,
            self.layout_combo,
        ):
            combo.currentIndexChanged.connect(self.schedule)
        self.preset_combo.currentIndexChanged.connect(self._on_preset)
        self.topic_list.itemChanged.connect(self.schedule)
        self.topic_filter.textChanged.connect(self._filter_topics)
        for edit in (self.for_edit, self.area_edit):
            edit.textChanged.connect(self.schedule)
        for date in (self.date_edit, self.burglary_date_edit):
            date.dateChanged.connect(self.schedule)

    def _filter_topics(self, text: str) -> None:
        needle = text.casefold().strip()
        for row in range(self.topic_list.count()):
            item = self.topic_list.item(row)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def _on_preset(self, _index: int) -> None:
        preset = self._library.presets.get(self.preset_combo.currentData() or "")
        if preset is not None:
            self.topic_list.blockSignals(True)
            for row in range(self.topic_list.count()):
                item = self.topic_list.item(row)
                on = item.data(Qt.ItemDataRole.UserRole) in preset.topics
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.topic_list.blockSignals(False)
            if preset.audience:
                self.audience_combo.setCurrentIndex(
                    max(self.audience_combo.findData(preset.audience), 0)
                )
        self._update_tailoring()
        self.schedule()

    def _update_tailoring(self) -> None:
        preset = self._library.presets.get(self.preset_combo.currentData() or "")
        burglary = preset is not None and preset.tailoring == "area-date"
        for widget in (self.area_edit, self.burglary_date_edit):
            widget.setVisible(burglary)
            self._label(widget).setVisible(burglary)

    def checked_topics(self) -> list[str]:
        preset = self._library.presets.get(self.preset_combo.currentData() or "")
        checked = {
            self.topic_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.topic_list.count())
            if self.topic_list.item(row).checkState() == Qt.CheckState.Checked
        }
        # The preset's order first, then anything added, in list order.
        order = list(preset.topics) if preset else []
        order += [
            self.topic_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.topic_list.count())
        ]
        return [t for t in dict.fromkeys(order) if t in checked]

    def request(self) -> LeafletRequest:
        settings = self._settings.settings
        preset = self._library.presets.get(self.preset_combo.currentData() or "")
        burglary = preset is not None and preset.tailoring == "area-date"
        area = self.area_edit.text().strip() if burglary else ""
        reference = self._records.reference if self._records is not None else None
        return LeafletRequest(
            topics=tuple(self.checked_topics()),
            lang=self.lang_combo.currentData(),
            lang2=self.lang2_combo.currentData() or None,
            audience=self.audience_combo.currentData() or None,
            layout=Layout(self.layout_combo.currentData()),
            prepared_for=self.for_edit.text().strip(),
            visit_date=_py_date(self.date_edit.date()),
            preset=preset.id if preset else None,
            area=area,
            burglary_date=_py_date(self.burglary_date_edit.date()) if area else None,
            contact=officer_contact(settings, reference),
            qr_url=qr_url(self._library, settings),
        )

    def make(self) -> Callable[[], Leaflet]:
        request = self.request()
        if not request.topics:
            raise LeafletError(_("Choose at least one topic for the leaflet."))
        library = self._library
        return lambda: render_leaflet(library, request)

    def after_print(self, copies: int) -> None:
        super().after_print(copies)
        if self._records is None or self._engagement_id is None or self.leaflet is None:
            return
        record_print(self._records.engagements, self._engagement_id, self.leaflet, copies)
        self.status_label.setText(
            ngettext(
                "Sent {n} copy to the printer and counted it on the engagement.",
                "Sent {n} copies to the printer and counted them on the engagement.",
                copies,
            ).format(n=copies)
        )

    def suggested_name(self) -> str:
        topics = self.checked_topics()
        stem = self.preset_combo.currentData() or (topics[0] if len(topics) == 1 else "leaflet")
        return f"{stem}-{self.lang_combo.currentData()}.pdf"


class ReportDialog(PdfDialog):
    """The owner's business security report, in the language the owner reads."""

    def __init__(
        self, library: AdviceLibrary, records, survey_id: str, settings, parent=None
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._records = records
        self._survey_id = survey_id
        self._settings = settings
        self.setObjectName("reportDialog")
        self.resize(1000, 800)
        self.lang_combo = QComboBox()
        for code in library.languages:
            self.lang_combo.addItem(language_label(code), code)
        self.lang_label = QLabel()
        self.lang_label.setBuddy(self.lang_combo)
        top = QHBoxLayout()
        top.addWidget(self.lang_label)
        top.addWidget(self.lang_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(self.action_row())
        self.copies_spin.setValue(1)
        self.retranslate_ui()
        self.lang_combo.currentIndexChanged.connect(self.schedule)
        self.render_now()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(_("Business security report"))
        self.lang_label.setText(_("The owner reads &language:"))
        self.retranslate_actions()

    def make(self) -> Callable[[], Leaflet]:
        from outreach.leaflets.report import render_report
        from outreach.leaflets.service import report_request

        records = self._records
        settings = self._settings.settings if self._settings is not None else None
        # The records are read here, on the UI thread; only the layout runs on the worker.
        request = report_request(
            self._library,
            records.engagements,
            records.surveys,
            self._survey_id,
            self.lang_combo.currentData(),
            settings,
            records.reference,
        )
        library = self._library
        return lambda: render_report(library, request)

    def suggested_name(self) -> str:
        return f"security-report-{self.lang_combo.currentData()}.pdf"


def _py_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())
