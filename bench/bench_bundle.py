"""The installed bundle: its size (target ≤ 250 MB) and its cold start to a shown main
window as a ratio to a bare PySide6 window's (target ≤ 1.5).

Measures dist/outreach (built by installer/build.sh; built here first when missing).
Starts are fresh processes, interleaved with the bare window's as in bench_startup.py,
on a data folder as the first-run wizard leaves it; the bundle prints the time once its
window is shown (OUTREACH_STARTUP_PROBE=1) and quits.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_startup import BARE, officers_data_folder
from bench.common import median, report

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "dist" / "outreach"
EXECUTABLE = BUNDLE / ("outreach.exe" if sys.platform == "win32" else "outreach")
RUNS = 11
MB = 1000 * 1000


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def timed(command: list[str]) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    env["OUTREACH_STARTUP_PROBE"] = "1"
    started = time.time()
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return float(out.stdout.strip().splitlines()[-1]) - started


def main() -> int:
    if not EXECUTABLE.exists():
        print("No bundle in dist/outreach: building it with installer/build.sh …", flush=True)
        subprocess.run(["bash", "installer/build.sh", "--python", sys.executable], cwd=ROOT,
                       check=True)  # fmt: skip
    size = folder_size(BUNDLE)
    biggest = sorted(
        ((folder_size(p) if p.is_dir() else p.stat().st_size, p.name) for p in
         (BUNDLE / "_internal").iterdir()), reverse=True)[:6]  # fmt: skip
    print("largest parts: " + ", ".join(f"{name} {n / MB:.0f} MB" for n, name in biggest))
    for tarball in sorted((ROOT / "dist").glob("outreach-*.tar.gz")):
        print(f"{tarball.name}: {tarball.stat().st_size / MB:.0f} MB")
    size_ok = report("bundle size", size / MB, "MB", 250)

    with tempfile.TemporaryDirectory() as data:
        officers_data_folder(data)  # as the first-run wizard leaves it
        bundle = [str(EXECUTABLE), "--data-dir", data, "gui"]
        bare = [sys.executable, "-c", BARE]
        timed(bare)
        timed(bundle)  # warm-up: the first start fills the content cache
        bare_times, bundle_times = [], []
        for _ in range(RUNS):
            bare_times.append(timed(bare))
            bundle_times.append(timed(bundle))
    print(
        f"bare PySide6 window: best {min(bare_times) * 1000:.0f} ms, "
        f"median {median(bare_times) * 1000:.0f} ms"
    )
    print(
        f"bundle main window: best {min(bundle_times) * 1000:.0f} ms, "
        f"median {median(bundle_times) * 1000:.0f} ms"
    )
    start_ok = report(
        "bundle cold start ratio (median of each)",
        median(bundle_times) / median(bare_times),
        "×",
        1.5,
    )
    return 0 if size_ok and start_ok else 1


if __name__ == "__main__":
    sys.exit(main())
