"""File > Export to HQ: write a bundle of the engagement log, with progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outreach.exchange.export import ExportError, ExportResult, ExportService
from outreach.exchange.keys import KeyFileError
from outreach.i18n import _, format_number
from outreach.ui.background import BackgroundTask


def default_bundle_path(folder: Path, officer: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    name = "".join(ch if ch.isalnum() else "-" for ch in officer.lower()).strip("-") or "laptop"
    return folder / f"outreach-{name}-{stamp}.bundle"


class ExportDialog(QDialog):
    """Choose where to write, export off the UI thread, then show what went in."""

    def __init__(
        self, exporter: ExportService, out_folder: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.exporter = exporter
        self.task: BackgroundTask | None = None
        self.result: ExportResult | None = None
        self.setObjectName("exportDialog")
        self.setWindowTitle(_("Export to HQ"))
        self.pending_label = QLabel()
        self.pending_label.setWordWrap(True)
        self.all_check = QCheckBox(_("Everything, not only the changes since the last export"))
        self.hq_key_label = QLabel()
        self.hq_key_label.setWordWrap(True)
        self.hq_key_button = QPushButton(_("Choose HQ's key file…"))
        self.path_edit = QLineEdit(str(default_bundle_path(out_folder, exporter.officer)))
        self.path_edit.setAccessibleName(_("Bundle file"))
        self.browse_button = QPushButton(_("Browse…"))
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setAccessibleName(_("What went into the bundle"))
        self.summary.setMinimumHeight(150)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            _("&Export"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(
            _("&Cancel export"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.cancel_button.setEnabled(False)
        self._hq_key_file: Path | None = None

        form = QFormLayout()
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        key_row = QHBoxLayout()
        key_row.addWidget(self.hq_key_label, 1)
        key_row.addWidget(self.hq_key_button)
        form.addRow(_("Bundle file:"), path_row)
        form.addRow(_("HQ's key:"), key_row)
        form.addRow("", self.all_check)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pending_label)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)
        self._connect_signals()
        self.refresh()
        self.resize(640, 460)

    def _connect_signals(self) -> None:
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button.clicked.connect(self.reject)
        self.browse_button.clicked.connect(self._browse)
        self.hq_key_button.clicked.connect(self._choose_key)
        self.all_check.toggled.connect(self.refresh)

    def refresh(self) -> None:
        """Say what the next export would carry and which HQ key it goes to."""
        full = self.all_check.isChecked()
        pending = self.exporter.pending(full)
        mark = self.exporter.last_mark()
        if full or mark is None:
            text = _("{n} engagements (deletions included) will go into the bundle.")
        else:
            text = _(
                "{n} engagements changed or deleted since the last export ({when}) will go "
                "into the bundle."
            )
        self.pending_label.setText(
            text.format(n=format_number(pending), when=mark.replace("T", " ") if mark else "")
        )
        try:
            key = self.exporter.hq_key(self._hq_key_file) if (
                self._hq_key_file or self.exporter.has_hq_key()
            ) else None  # fmt: skip
        except (KeyFileError, ExportError) as exc:
            key = None
            self.hq_key_label.setText(str(exc))
        else:
            self.hq_key_label.setText(
                _("Encrypted to HQ's key {fp}").format(fp=key.fingerprint)
                if key
                else _("No HQ key yet: choose the key file HQ gave you.")
            )
        self.export_button.setEnabled(key is not None and not self._running())

    def _running(self) -> bool:
        return self.task is not None and self.task.is_running()

    def _browse(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the bundle as"), self.path_edit.text(), _("Outreach bundles (*.bundle)")
        )
        if path:
            self.path_edit.setText(path)

    def _choose_key(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("HQ's public key"), "", _("Key files (*.json);;All files (*)")
        )
        if path:
            self.use_hq_key(Path(path))

    def use_hq_key(self, path: Path) -> None:
        self._hq_key_file = path
        self.refresh()

    def start_export(self) -> None:
        out = Path(self.path_edit.text().strip()).expanduser()
        full = self.all_check.isChecked()
        key_file = self._hq_key_file

        def job(progress, cancelled):
            return self.exporter.export(
                out,
                full=full,
                hq_key_file=key_file,
                progress=lambda done, total: progress(done, total, ""),
                cancelled=cancelled,
            )

        self.task = BackgroundTask(job, (ExportError, KeyFileError), self)
        self.task.progressed.connect(self._on_progress)
        self.task.finished.connect(self._on_finished)
        self.task.failed.connect(self._on_failed)
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.status_label.setText(_("Exporting…"))
        self.summary.clear()
        self.task.start()

    def cancel_export(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _on_progress(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, max(total, 1)))
        self.progress.setFormat(
            _("{done} of {total}").format(done=format_number(done), total=format_number(total))
        )

    def _on_finished(self, result: ExportResult) -> None:
        self.result = result
        self.cancel_button.setEnabled(False)
        summary = result.summary
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat(_("Done"))
        self.status_label.setText(
            _("Written to {path} ({size}). Take it to HQ on a USB stick or by e-mail: it is "
              "encrypted, so only HQ can read it.").format(
                path=summary.path, size=_("{kb} KB").format(kb=format_number(max(1, summary.size // 1024)))
            )
        )  # fmt: skip
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        counts = summary.counts
        lines = [
            _("Engagements: {n}").format(n=format_number(counts["engagements"])),
            _("Deletions: {n}").format(n=format_number(counts["tombstones"])),
            _("Leaflet lines: {n}").format(n=format_number(counts["leaflets"])),
            _("Concerns (you said, we did): {n}").format(n=format_number(counts["concerns"])),
            _("Follow-ups: {n}").format(n=format_number(counts["follow_ups"])),
            _("Premises surveys: {n}").format(n=format_number(counts["surveys"])),
            _("Contacts whose consent covers HQ: {n}").format(n=format_number(counts["contacts"])),
            "",
            _("Everything on this laptop")
            if summary.full or result.since is None
            else _("Changes since the export of {when}").format(when=result.since.replace("T", " ")),
            _("Signed by laptop {laptop} ({officer})").format(
                laptop=summary.laptop_id, officer=summary.officer
            ),
        ]  # fmt: skip
        self.summary.setPlainText("\n".join(lines))
        self.refresh()

    def _on_failed(self, message: str) -> None:
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.status_label.setText(message)
        self.refresh()

    def reject(self) -> None:
        if self._running():
            self.task.cancel()
            self.task.wait(10)
        super().reject()
