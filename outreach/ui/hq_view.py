"""HQ's window: import bundles (with progress) and a dashboard of charts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outreach.exchange.keys import KeyFileError, LaptopPublicKey, hq_private_key, init_hq_key
from outreach.hq.merge import BundleOutcome, HqError, HqService, totals
from outreach.hq.report import Names, Summary, plain_names, summarise
from outreach.hq.schema import hq_engine
from outreach.i18n import _, format_number, ngettext
from outreach.ui.background import BackgroundTask

BAR_COLOUR = QColor("#1f5fa8")
TOP = 15  # bars per horizontal chart (14 strands, all districts); the rest summed as "Others"


def _bar_chart(title: str, rows: list[tuple[str, int]], horizontal: bool) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.legend().hide()
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    values = QBarSet(title)
    values.setColor(BAR_COLOUR)
    if horizontal and len(rows) > TOP:
        rest = sum(v for _l, v in rows[TOP - 1 :])
        rows = [*rows[: TOP - 1], (_("Others ({n})").format(n=len(rows) - TOP + 1), rest)]
    labels = []
    ordered = list(reversed(rows)) if horizontal else rows
    for label, value in ordered:
        values.append(value)
        labels.append(label if len(label) <= 28 else label[:27] + "…")
    series = QHorizontalBarSeries() if horizontal else QBarSeries()
    series.append(values)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(labels or [""])
    numbers = QValueAxis()
    numbers.setLabelFormat("%d")
    numbers.setRange(0, max([v for _l, v in rows] or [1]))
    numbers.applyNiceNumbers()
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(numbers, Qt.AlignmentFlag.AlignBottom)
    else:
        categories.setLabelsAngle(-90)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(numbers, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(numbers)
    font = categories.labelsFont()
    font.setPointSizeF(7.5)
    categories.setLabelsFont(font)
    categories.setTruncateLabels(False)
    numbers.setLabelsFont(font)
    return chart


class HqView(QWidget):
    """Import bundles into HQ's database and see the force-wide picture."""

    def __init__(
        self, data_folder: Path, names: Names = plain_names, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hqView")
        self.setWindowTitle(_("Outreach HQ: merge bundles and dashboard"))
        self.data_folder = data_folder
        self.names = names
        self.service: HqService | None = None
        self.task: BackgroundTask | None = None
        self.outcomes: list[BundleOutcome] = []
        self.summary = Summary()

        self.db_edit = QLineEdit(f"sqlite:///{data_folder / 'hq.db'}")
        self.db_edit.setAccessibleName(_("HQ database URL"))
        self.open_button = QPushButton(_("&Open"))
        self.key_label = QLabel()
        self.key_label.setWordWrap(True)
        self.make_key_button = QPushButton(_("Make HQ's key…"))
        self.enrol_button = QPushButton(_("&Enrol a laptop…"))
        self.import_button = QPushButton(_("&Import bundles…"))
        self.cancel_button = QPushButton(_("&Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setFormat("")
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setAccessibleName(_("Import log"))
        self.log.setMaximumHeight(90)
        self.totals_labels = {key: QLabel() for key in ("engagements", "people", "leaflets",
                                                        "laptops")}  # fmt: skip
        self.include_demo_box = QCheckBox(_("Count &demo engagements"))
        self.include_demo_box.setToolTip(
            _("Demo engagements are made to try the app out; they are left out of the figures "
              "unless this is ticked.")
        )  # fmt: skip
        self.demo_note = QLabel()
        self.chart_views = {key: QChartView() for key in ("strand", "district", "month",
                                                          "language")}  # fmt: skip
        for view in self.chart_views.values():
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setMinimumSize(380, 300)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("HQ database:")))
        top.addWidget(self.db_edit, 1)
        top.addWidget(self.open_button)
        actions = QHBoxLayout()
        actions.addWidget(self.key_label, 1)
        actions.addWidget(self.make_key_button)
        actions.addWidget(self.enrol_button)
        actions.addWidget(self.import_button)
        actions.addWidget(self.cancel_button)
        figures = QHBoxLayout()
        for label in self.totals_labels.values():
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setTextFormat(Qt.TextFormat.RichText)
            figures.addWidget(label, 1)
        grid = QGridLayout()
        grid.addWidget(self.chart_views["strand"], 0, 0)
        grid.addWidget(self.chart_views["district"], 0, 1)
        grid.addWidget(self.chart_views["month"], 1, 0)
        grid.addWidget(self.chart_views["language"], 1, 1)
        dashboard = QGroupBox(_("Dashboard"))
        dashboard_layout = QVBoxLayout(dashboard)
        options = QHBoxLayout()
        options.addWidget(self.demo_note, 1)
        options.addWidget(self.include_demo_box)
        dashboard_layout.addLayout(options)
        dashboard_layout.addLayout(figures)
        dashboard_layout.addLayout(grid, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.log)
        layout.addWidget(dashboard, 1)
        self._connect_signals()
        self.open_database()
        self.resize(1200, 860)

    def _connect_signals(self) -> None:
        self.open_button.clicked.connect(self.open_database)
        self.make_key_button.clicked.connect(self.make_key)
        self.enrol_button.clicked.connect(self._choose_laptop_key)
        self.import_button.clicked.connect(self._choose_bundles)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.include_demo_box.toggled.connect(self.refresh_dashboard)

    # -- database and keys ---------------------------------------------------------------
    def open_database(self) -> None:
        if self.service is not None:
            self.service.engine.dispose()
            self.service = None
        try:
            self.service = HqService(hq_engine(self.db_edit.text().strip()), self.data_folder)
        except Exception as exc:  # any SQLAlchemy or driver error, shown to the analyst
            self.log.appendPlainText(_("Cannot open the HQ database: {error}").format(error=exc))
        self._show_key()
        self.refresh_dashboard()

    def _show_key(self) -> None:
        try:
            from outreach.exchange.keys import hq_public_of

            fp = hq_public_of(hq_private_key(self.data_folder)).fingerprint
            self.key_label.setText(_("HQ's key {fp}").format(fp=fp))
            self.make_key_button.setVisible(False)
        except KeyFileError:
            self.key_label.setText(
                _("No HQ key yet: make one, then give its public key to laptops.")
            )
            self.make_key_button.setVisible(True)
        ready = self.service is not None
        self.import_button.setEnabled(ready and not self._running())
        self.enrol_button.setEnabled(ready)

    def make_key(self) -> None:
        public, _created = init_hq_key(self.data_folder)
        self.log.appendPlainText(
            _("HQ's public key is in {path}; give it to every laptop.").format(
                path=self.data_folder / "hq" / "hq-public.json"
            )
        )
        self._show_key()
        del public

    def _choose_laptop_key(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("A laptop's public key"), "", _("Key files (*.json);;All files (*)")
        )
        if path:
            self.enrol(Path(path))

    def enrol(self, path: Path) -> None:
        try:
            key = LaptopPublicKey.read(path)
        except KeyFileError as exc:
            self.log.appendPlainText(str(exc))
            return
        self.service.enrol(key)
        self.log.appendPlainText(
            _("Enrolled laptop {laptop} ({officer}).").format(
                laptop=key.laptop_id, officer=key.officer or "?"
            )
        )
        self.refresh_dashboard()

    # -- import --------------------------------------------------------------------------
    def _running(self) -> bool:
        return self.task is not None and self.task.is_running()

    def _choose_bundles(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, _("Bundles to import"), "", _("Outreach bundles (*.bundle);;All files (*)")
        )
        if paths:
            self.import_bundles([Path(p) for p in paths])

    def import_bundles(self, paths: list[Path]) -> None:
        service = self.service

        def job(progress, cancelled):
            return service.import_bundles(
                paths,
                progress=lambda done, total, outcome: progress(done, total, _outcome_text(outcome)),
                cancelled=cancelled,
            )

        self.task = BackgroundTask(job, (HqError,), self)
        self.task.progressed.connect(self._on_progress)
        self.task.finished.connect(self._on_finished)
        self.task.failed.connect(self._on_failed)
        self.import_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, len(paths))
        self.progress.setValue(0)
        self.task.start()

    def cancel_import(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(
            _("Bundle {done} of {total}").format(done=format_number(done),
                                                 total=format_number(total))
        )  # fmt: skip
        self.log.appendPlainText(text)

    def _on_finished(self, outcomes: list[BundleOutcome]) -> None:
        self.outcomes = outcomes
        counts = totals(outcomes)
        self.log.appendPlainText(
            _("Total: new {new}, updated {updated}, unchanged {unchanged}, deleted {deleted}, "
              "rejected {rejected}").format(**counts)
        )  # fmt: skip
        self.cancel_button.setEnabled(False)
        self._show_key()
        self.refresh_dashboard()

    def _on_failed(self, message: str) -> None:
        self.log.appendPlainText(message)
        self.cancel_button.setEnabled(False)
        self._show_key()

    # -- dashboard -----------------------------------------------------------------------
    def refresh_dashboard(self) -> None:
        if self.service is None:
            return
        self.summary = summary = summarise(
            self.service.engine, concerns_limit=0, include_demo=self.include_demo_box.isChecked()
        )
        self.demo_note.setText(
            ngettext(
                "{n} demo engagement left out.", "{n} demo engagements left out.",
                summary.demo_left_out,
            ).format(n=format_number(summary.demo_left_out))
            if summary.demo_left_out
            else ""
        )  # fmt: skip
        figures = {
            "engagements": (summary.engagements, _("engagements")),
            "people": (summary.people, _("people engaged")),
            "leaflets": (summary.leaflets, _("leaflets handed out")),
            "laptops": (summary.laptops, _("laptops enrolled")),
        }
        for key, (value, caption) in figures.items():
            self.totals_labels[key].setText(
                f"<span style='font-size:20pt; font-weight:600'>{format_number(value)}</span>"
                f"<br>{caption}"
            )
        n = self.names
        charts = {
            "strand": (_("Engagements by strand"),
                       [(n("strand", s), c) for s, c, _p in summary.by_strand], True),
            "district": (_("Engagements by district"),
                         [(n("district", d), c) for d, c, _p in summary.by_district], True),
            "month": (_("Engagements by month (last 18 months)"),
                      [(m or "?", c) for m, c, _p in summary.by_month[-18:]], False),
            "language": (_("Leaflets by language"),
                         [(n("language", lang), c) for lang, c in summary.leaflets_by_language],
                         True),
        }  # fmt: skip
        for key, (title, rows, horizontal) in charts.items():
            old = self.chart_views[key].chart()
            self.chart_views[key].setChart(_bar_chart(title, rows, horizontal))
            if old is not None:
                old.deleteLater()

    def closeEvent(self, event) -> None:
        if self._running():
            self.task.cancel()
            self.task.wait(30)
        if self.service is not None:
            self.service.engine.dispose()
        super().closeEvent(event)


def _outcome_text(outcome: BundleOutcome) -> str:
    if not outcome.ok:
        return _("Refused {name}: {error}").format(name=outcome.path.name, error=outcome.error)
    return _(
        "{name}: new {new}, updated {updated}, unchanged {unchanged}, deleted {deleted}"
    ).format(name=outcome.path.name, **outcome.counts)
