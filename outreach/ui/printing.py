"""Show and print PDFs made by the leaflet service: QtPdf renders, QPrinter prints.

Printing goes through QPrinter (the platform's print system: CUPS on Linux, the spooler
on Windows), one rendered image per page at the printer's resolution.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPointF, QRectF, QSize, Signal
from PySide6.QtGui import QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from outreach.i18n import _

MAX_PRINT_DPI = 300


class PrintError(Exception):
    """The printer could not take the job; the message says why."""


def load_pdf(pdf: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A QPdfDocument reading ``pdf`` from memory (the buffer lives as long as it)."""
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintError(_("The PDF could not be read for printing."))
    return document


def print_pdf(pdf: bytes, printer: QPrinter, copies: int = 1) -> int:
    """Print every page of ``pdf`` ``copies`` times; returns the pages sent."""
    document = load_pdf(pdf)
    pages = document.pageCount()
    printer.setFullPage(True)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    native = printer.supportsMultipleCopies()
    printer.setCopyCount(copies if native else 1)
    rounds = 1 if native else copies
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(
            _("The printer {name} could not start the job.").format(name=printer.printerName())
        )
    try:
        # 300 dpi is sharp for text on paper; more only makes the job slow to spool.
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        images = {}
        for copy in range(rounds):
            for page in range(pages):
                if copy or page:
                    printer.newPage()
                if page not in images:
                    size = document.pagePointSize(page)
                    pixels = QSize(round(size.width() / 72 * dpi), round(size.height() / 72 * dpi))
                    images[page] = document.render(page, pixels)
                target = QRectF(QPointF(0, 0), painter.viewport().size().toSizeF())
                painter.drawImage(target, images[page])
    finally:
        painter.end()
    return pages * copies


class PdfPreview(QWidget):
    """A scrollable preview of a PDF held in memory."""

    loaded = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QPdfView(self)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setAccessibleName(_("Preview"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        self.document: QPdfDocument | None = None

    def set_pdf(self, pdf: bytes) -> None:
        previous = self.document
        self.document = load_pdf(pdf, self)
        self.view.setDocument(self.document)
        if previous is not None:
            previous.deleteLater()
        self.loaded.emit(self.document.pageCount())

    def clear(self) -> None:
        self.view.setDocument(None)
