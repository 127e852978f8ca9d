"""``outreach self-test`` from the source tree (CI runs it from the bundle too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from outreach.selftest import SCRIPT_LANGUAGES, run_check


def test_self_test_json_reports_every_check_green_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-m", "outreach", "self-test", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    names = [check["name"] for check in report["checks"]]
    assert report["ok"] is True and report["failed"] == 0
    assert report["passed"] == len(names) >= 4 + len(SCRIPT_LANGUAGES)
    assert "main window" in names and "database migrations" in names
    assert "bundle to HQ" in names
    assert [n for n in names if n.startswith("leaflet in ")] == [
        f"leaflet in {lang}" for lang in SCRIPT_LANGUAGES
    ]
    window = next(c for c in report["checks"] if c["name"] == "main window")
    assert "offscreen" in window["detail"]
    fonts = next(c for c in report["checks"] if c["name"] == "fonts for every script")
    assert "arabic-nastaliq=" in fonts["detail"]
    assert report["frozen"] is False


def test_a_failing_check_is_reported_and_the_rest_run():
    def broken() -> str:
        raise RuntimeError("no font for Bengali")

    failed = run_check("fonts", broken)
    assert not failed.ok and failed.detail == "no font for Bengali"
    assert run_check("fine", lambda: "3 topics").as_dict()["ok"] is True


def test_self_test_exits_non_zero_when_a_check_fails(tmp_path):
    env = {**os.environ, "OUTREACH_CONTENT_DIR": str(tmp_path / "no-content")}
    result = subprocess.run(
        [sys.executable, "-m", "outreach", "self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert result.returncode == 1
    assert "[FAILED] advice content" in result.stdout
    assert "self-test: advice content failed" in result.stderr
