"""The printers this laptop knows, its default one, and a test page to print.

Shown by the first-run wizard and again in Preferences, so the check can be repeated when
a printer is added or replaced.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outreach.firstrun import printer_test_page_pdf
from outreach.i18n import _, ui_language, without_accelerator


def _wrapping_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class PrinterCheck(QWidget):
    """Lists the system's printers (default first chosen) and prints a test page."""

    def __init__(
        self, list_height: int = 140, accelerator: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._accelerator = accelerator
        self.explain = _wrapping_label()
        self.printer_list = QListWidget()
        self.printer_list.setMaximumHeight(list_height)
        self.default_label = _wrapping_label()
        self.print_button = QPushButton()
        self.print_button.clicked.connect(self.print_test_page)
        self.result_label = _wrapping_label()
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.explain)
        layout.addWidget(self.printer_list)
        layout.addWidget(self.default_label)
        layout.addLayout(row)
        layout.addWidget(self.result_label)
        # Replaced in tests by a printer writing a PDF file.
        self.make_printer: Callable[[QPrinterInfo], QPrinter] = lambda info: QPrinter(
            info, QPrinter.PrinterMode.HighResolution
        )
        self.printers: list[QPrinterInfo] = []
        self.pages_printed = 0
        self.retranslate_ui()

    def refresh(self) -> None:
        """List the printers again (a printer may have been plugged in meanwhile)."""
        self.printers = list(QPrinterInfo.availablePrinters())
        default = QPrinterInfo.defaultPrinterName()
        self.printer_list.clear()
        for info in self.printers:
            name = info.printerName()
            text = _("{name} (default)").format(name=name) if name == default else name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.printer_list.addItem(item)
            if name == default or self.printer_list.count() == 1:
                self.printer_list.setCurrentItem(item)
        self.print_button.setEnabled(bool(self.printers))
        self.default_label.setText(
            _("Default printer: {name}").format(name=default)
            if default
            else _("No default printer is set: the print dialog will ask each time.")
        )
        self.result_label.setText(
            ""
            if self.printers
            else _(
                "No printer is set up on this laptop. Ask IT to add one; until then "
                "leaflets can be saved as PDF and printed elsewhere."
            )
        )

    def retranslate_ui(self) -> None:
        self.explain.setText(_("Printers found (choose one for the test page):"))
        text = _("&Print a test page")
        self.print_button.setText(text if self._accelerator else without_accelerator(text))
        self.printer_list.setAccessibleName(_("Printers"))

    def selected_printer(self) -> QPrinterInfo | None:
        item = self.printer_list.currentItem()
        if item is None:
            return None
        name = item.data(Qt.ItemDataRole.UserRole)
        return next((p for p in self.printers if p.printerName() == name), None)

    def print_test_page(self) -> None:
        """Print one page in the app's language on the chosen printer, and say where."""
        from outreach.ui.printing import PrintError, print_pdf

        info = self.selected_printer()
        if info is None:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pdf = printer_test_page_pdf(ui_language())
            self.pages_printed = print_pdf(pdf, self.make_printer(info))
        except (PrintError, OSError) as exc:
            self.result_label.setText(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.result_label.setText(
            _("A test page went to {name}. Check that the printed text is clear.").format(
                name=info.printerName()
            )
        )
