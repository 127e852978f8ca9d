"""The command line contract for passphrases, backups and restore (end to end)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.endswith("PASSPHRASE")}
    return subprocess.run(
        [sys.executable, "-m", "outreach", *args],
        capture_output=True,
        text=True,
        env={**environ, **env},
        stdin=subprocess.DEVNULL,
        timeout=300,  # full-cost key derivation on a busy shared machine
    )


@pytest.mark.timeout(900)
def test_passphrase_backup_and_restore_from_the_command_line(tmp_path):
    data = str(tmp_path / "data")
    assert run("--data-dir", data, "demo", "--engagements", "3").returncode == 0
    made = run("--data-dir", data, "passphrase", "set", OUTREACH_NEW_PASSPHRASE="long enough now")
    assert made.returncode == 0, made.stderr

    locked = run("--data-dir", data, "demo", "--engagements", "1", "--seed", "2", "--json")
    assert locked.returncode != 0 and locked.stdout == "", "no prompt or output on stdout"
    assert "OUTREACH_PASSPHRASE" in locked.stderr

    wrong = run("--data-dir", data, "backup", OUTREACH_PASSPHRASE="not the one")
    assert wrong.returncode != 0 and "Wrong passphrase" in wrong.stderr

    backup = run("--data-dir", data, "backup", "--json", OUTREACH_PASSPHRASE="long enough now")
    assert backup.returncode == 0, backup.stderr
    document = json.loads(backup.stdout)
    assert document["encrypted"] is True

    more = run(
        "--data-dir", data, "demo", "--engagements", "2", "--seed", "3", "--json",
        OUTREACH_PASSPHRASE="long enough now",
    )  # fmt: skip
    assert json.loads(more.stdout)["engagements"] == 5

    restored = run(
        "--data-dir", data, "restore", document["file"], "--json",
        OUTREACH_PASSPHRASE="long enough now",
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    listing = json.loads(run("--data-dir", data, "backup", "--list", "--json").stdout)
    assert any(b["reason"] == "before-restore" for b in listing["backups"])
    again = run(
        "--data-dir", data, "demo", "--engagements", "1", "--seed", "4", "--json",
        OUTREACH_PASSPHRASE="long enough now",
    )  # fmt: skip
    assert json.loads(again.stdout)["engagements"] == 4, "back to the 3 of the backup, plus 1"
