"""Printing end to end through a real CUPS queue (cups-pdf), as .ci/run sets up.

Locally the test runs when a printer named by OUTREACH_TEST_PRINTER exists; CI sets
OUTREACH_REQUIRE_PRINTER=1 so that a missing queue fails instead of skipping.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from outreach.leaflets import LeafletRequest, render_leaflet
from outreach.ui.printing import print_pdf

PRINTER = os.environ.get("OUTREACH_TEST_PRINTER", "PDF")
OUTPUT = Path(os.environ.get("OUTREACH_TEST_PRINTER_OUT", Path.home() / "PDF"))


def _queue() -> QPrinterInfo | None:
    names = [info.printerName() for info in QPrinterInfo.availablePrinters()]
    if PRINTER in names:
        return QPrinterInfo.printerInfo(PRINTER)
    if os.environ.get("OUTREACH_REQUIRE_PRINTER"):
        pytest.fail(f"print queue {PRINTER!r} missing; printers seen: {names}")
    pytest.skip(f"no print queue {PRINTER!r} (CI installs cups-pdf)")
    return None


def test_a_leaflet_reaches_the_queue_with_every_page_and_copy(qapp, ui_library):
    info = _queue()
    leaflet = render_leaflet(ui_library, LeafletRequest(("doorstep-crime", "courier-fraud"), "ar"))
    token = f"outreach-{uuid.uuid4().hex[:10]}"
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    printer.setDocName(token)
    sent = print_pdf(leaflet.pdf, printer, copies=2)
    assert sent == leaflet.pages * 2
    deadline = time.monotonic() + 180
    pages = None
    while time.monotonic() < deadline and pages is None:
        pages = _pages_of_job(token)
        time.sleep(0.5)
    assert pages is not None, f"no finished job output named {token} in {OUTPUT}"
    assert pages == leaflet.pages * 2


def _pages_of_job(token: str) -> int | None:
    """Pages in the queue's output file for the job, once cups-pdf has finished it."""
    for path in OUTPUT.glob(f"*{token}*.pdf") if OUTPUT.is_dir() else []:
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
        for line in info.stdout.splitlines():
            if line.startswith("Pages:"):
                path.unlink()
                return int(line.split()[1])
    return None
