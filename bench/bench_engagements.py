"""Engagement list over 200,000 records: open and filter (target ≤ 200 ms each), and the
app's idle memory with that database (target ≤ 250 MB).

The demo database is built once and kept in the system temp folder between runs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report

RECORDS = 200_000
FOLDER = Path(tempfile.gettempdir()) / f"outreach-bench-{RECORDS}"

LIST = r"""
import os, sys, time, statistics
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtWidgets import QApplication
from outreach.engagements.model import EngagementFilter
from outreach.services import open_record_services
from outreach.ui.engagement_models import EngagementTableModel

app = QApplication([])
services = open_record_services(Path(sys.argv[1]))
names = lambda kind, ident: services.reference.name(kind, ident) if kind != "strand" else ident

def timed(action, runs=7):
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        action()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), max(samples)

first = time.perf_counter()
model = EngagementTableModel(services.engagements, names)
print("first-open", (time.perf_counter() - first) * 1000)
print("open", *timed(lambda: EngagementTableModel(services.engagements, names)))
filters = {
    "district": EngagementFilter(district="harlow"),
    "kind": EngagementFilter(kind="cocooning"),
    "strand": EngagementFilter(strand="knife-crime"),
    "text": EngagementFilter(text="fly-tipping"),
    "combined": EngagementFilter(text="stall", district="colchester", strand="hate-crime"),
}
for name, flt in filters.items():
    print("filter-" + name, *timed(lambda flt=flt: model.set_filter(flt)), model.total)
"""

IDLE = r"""
import os, sys, time
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication
from outreach.ui.app import start
app, window, opener = start(sys.argv[1])
opener.wait(300)
deadline = time.time() + 4
while time.time() < deadline:
    QApplication.processEvents()
    time.sleep(0.05)
assert window.engagement_log is not None, "records screens attached"
window.tabs.setCurrentIndex(1)
for _ in range(40):
    QApplication.processEvents(); time.sleep(0.05)
rss = int(next(l for l in open("/proc/self/status") if l.startswith("VmRSS")).split()[1])
print("rss-mb", rss / 1024, window.engagement_log.model.total)
"""


def ensure_database() -> None:
    marker = FOLDER / ".complete"
    if marker.exists():
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name in ("outreach.db", "outreach.db-wal", "outreach.db-shm"):
        (FOLDER / name).unlink(missing_ok=True)
    print(f"building {RECORDS:,} demo engagements in {FOLDER} (once)…", flush=True)
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "outreach",
            "demo",
            "--engagements",
            str(RECORDS),
            "--data-dir",
            str(FOLDER),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"built in {time.perf_counter() - t0:.0f} s")
    marker.touch()


def run(code: str) -> dict[str, list[float]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(FOLDER)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    return {
        line.split()[0]: [float(x) for x in line.split()[1:]] for line in out.splitlines() if line
    }


def main() -> int:
    ensure_database()
    figures = run(LIST)
    ok = True
    print(f"first open (cold caches): {figures['first-open'][0]:.0f} ms")
    ok &= report("open the list (median of 7)", figures["open"][0], "ms", 200)
    for key, values in figures.items():
        if key.startswith("filter-"):
            name = key.removeprefix("filter-")
            ok &= report(
                f"filter by {name} ({int(values[2]):,} match; median)", values[0], "ms", 200
            )
    rss = [run(IDLE)["rss-mb"][0] for _ in range(3)]
    ok &= report("idle memory with 200,000 records", statistics.median(rss), "MB", 250)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
