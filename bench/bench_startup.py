"""Cold start to a shown main window, as a ratio to a bare PySide6 window (target ≤ 1.5).

The app starts as an officer starts it, through its command line, on a data folder as
the first-run wizard leaves it (settings saved, the content cache filled by the first
start). Each start is a fresh process, after one warm-up run of each; runs of the two are
interleaved so that a noisy moment hits both alike (on these shared VMs the same
CPU-bound loop takes anywhere from 0.16 to 0.7 s). The figure is the ratio of medians.

``--instructions`` also counts the CPU instructions of one start of each under valgrind's
callgrind (a few minutes): a figure the machine's load does not move. Timers that would
not fire before the first paint at full speed are held back for that count.
"""

from __future__ import annotations

import compileall
import os
import shutil
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

# The app as an officer starts it (python -m outreach; the bundle runs the same code) on
# a data folder as the first-run wizard leaves it. OUTREACH_STARTUP_PROBE makes it print
# the time once its window has painted, and quit.
APP = ["-m", "outreach", "--data-dir", "{data}", "gui"]
PROBE = {"OUTREACH_STARTUP_PROBE": "1"}

# The same two starts, ending once the window has painted (for an instruction count).
BARE_COUNTED = BARE.replace("print(time.time())", "import os; os._exit(0)")
APP_COUNTED = """
import gc, os, sys
gc.disable()
import outreach.cli  # what the command line adds; then its steps of "gui", to the paint
import outreach.ui.app as app_module
import outreach.ui.idle as idle_module
import outreach.ui.main_window as window_module
from PySide6.QtWidgets import QApplication
app_module.RECORDS_DELAY_MS = idle_module.WATCH_DELAY_MS = window_module.AFTER_PAINT_MS = 10**8
passphrase = app_module.run_first_run(sys.argv[1])
app, window, opener = app_module.start(sys.argv[1], passphrase)
QApplication.processEvents()
os._exit(0)
"""
RUNS = 15


def timed(args: list[str], extra_env: dict[str, str] | None = None) -> float:
    """Seconds from starting ``python *args`` to the time it prints last."""
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env.update(extra_env or {})
    started = time.time()
    out = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=env, check=True
    )
    return float(out.stdout.strip().splitlines()[-1]) - started


def officers_data_folder(folder: str) -> None:
    """Settings as the first-run wizard saves them (no passphrase: the lock page would
    show instead of the advice browser)."""
    from outreach.paths import config_dir
    from outreach.settings import Settings, SettingsStore

    settings = Settings(
        officer_name="PC Sam Example", collar_number="4321", team="Neighbourhood Policing",
        district="Central", first_run_done=True,
    )  # fmt: skip
    SettingsStore(config_dir(Path(folder), explicit_data=True)).save(settings)


def instructions(code: str, *args: str) -> int:
    """CPU instructions of one run of ``code`` (valgrind's callgrind; all threads)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONMALLOC": "malloc", **PROBE}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
             "-c", code, *args],
            capture_output=True, env=env, check=True,
        )  # fmt: skip
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise RuntimeError("callgrind wrote no total")


def app_args(data: str) -> list[str]:
    return [arg.format(data=data) for arg in APP]


def count_instructions(data: str) -> None:
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed; skipped")
        return
    timed(app_args(data), PROBE)  # the content cache is filled outside the count
    bare, app = instructions(BARE_COUNTED), instructions(APP_COUNTED, data)
    print(
        f"instructions to a painted window: bare {bare / 1e6:,.0f} M, Outreach {app / 1e6:,.0f} M"
    )
    report("instruction ratio (steady under load)", app / bare, "×", 1.5)


def main() -> int:
    # An installed app has its bytecode compiled (pip and PyInstaller do it); a source
    # checkout may not, e.g. with PYTHONDONTWRITEBYTECODE set, so compile it first.
    package = Path(__file__).resolve().parent.parent / "outreach"
    compileall.compile_dir(str(package), quiet=1)
    with tempfile.TemporaryDirectory() as data:
        officers_data_folder(data)
        if "--instructions" in sys.argv[1:]:
            count_instructions(data)
        timed(["-c", BARE])
        timed(app_args(data), PROBE)  # fills the content cache, as the first start does
        bare, app = [], []
        for _ in range(RUNS):  # interleaved, so a noisy moment hits both alike
            bare.append(timed(["-c", BARE]))
            app.append(timed(app_args(data), PROBE))
    print(
        f"bare PySide6 window: best {min(bare) * 1000:.0f} ms, median {median(bare) * 1000:.0f} ms"
    )
    print(
        f"Outreach main window: best {min(app) * 1000:.0f} ms, median {median(app) * 1000:.0f} ms"
    )
    print(f"best-run ratio {min(app) / min(bare):.2f} × (noisy: CPU time on these VMs varies 4×)")
    ok = report("cold start ratio (median of each)", median(app) / median(bare), "×", 1.5)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
