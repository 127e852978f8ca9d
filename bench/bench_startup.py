"""Cold start to a shown main window, as a ratio to a bare PySide6 window (target ≤ 1.5).

Each start is a fresh process; the figure is the median of several runs after one
warm-up run of each (so both read their files from the page cache alike).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median, report

BARE = """
import time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.resize(1200, 760)
window.show()
app.processEvents()
print(time.time())
"""

APP = """
import sys, time
from outreach.ui.app import start
from PySide6.QtWidgets import QApplication
app, window, opener = start(sys.argv[1])
QApplication.processEvents()
print(time.time())
opener.wait()
"""

RUNS = 7


def timed(code: str, *args: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=True
    )
    return float(out.stdout.strip().splitlines()[-1]) - started


def main() -> int:
    with tempfile.TemporaryDirectory() as data:
        timed(BARE)
        timed(APP, data)
        bare = [timed(BARE) for _ in range(RUNS)]
        app = [timed(APP, data) for _ in range(RUNS)]
    print(f"bare PySide6 window: median {median(bare) * 1000:.0f} ms over {RUNS} runs")
    print(f"Outreach main window: median {median(app) * 1000:.0f} ms over {RUNS} runs")
    ok = report("cold start ratio", median(app) / median(bare), "×", 1.5)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
