"""Run every benchmark script in this folder, each in its own process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    folder = Path(__file__).resolve().parent
    wanted = set(argv)
    scripts = [
        p
        for p in sorted(folder.glob("bench_*.py"))
        if not wanted or p.stem.removeprefix("bench_") in wanted
    ]
    failures = 0
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=folder.parent)
        failures += result.returncode != 0
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
