"""End-to-end tests of the command-line contract (PRODUCT.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from outreach import __version__
from tests.conftest import replace_in


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "outreach", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"outreach {__version__}"


def test_check_reports_strands_topics_and_no_errors():
    result = run("advice", "check", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["strands"] == 14
    assert report["topics"] >= 50
    assert report["errors"] == []
    assert {entry["lang"] for entry in report["languages"]} >= {"pl", "ar", "ur", "bn", "pa_Guru"}
    for entry in report["languages"]:
        assert set(entry) >= {"coverage", "drafts", "stale"}


def test_check_fails_on_a_broken_file_naming_file_and_line(content: Path):
    broken = content / "advice/topics/knife-crime/carrying-a-knife.en.md"
    replace_in(broken, "## Steps", "## Stepz")
    result = run("advice", "check", "--json", env={"OUTREACH_CONTENT_DIR": str(content)})
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    error = next(e for e in report["errors"] if "unknown section" in e["message"])
    assert error["file"].endswith("knife-crime/carrying-a-knife.en.md")
    line = next(n for n, t in enumerate(broken.read_text().splitlines(), 1) if "Stepz" in t)
    assert error["line"] == line
    assert f"carrying-a-knife.en.md:{line}:" in result.stderr


def test_check_without_json_prints_problems(content: Path):
    broken = content / "advice/topics/knife-crime/carrying-a-knife.en.md"
    broken.write_text("no header here\n", encoding="utf-8")
    result = run("advice", "check", env={"OUTREACH_CONTENT_DIR": str(content)})
    assert result.returncode == 1
    assert "carrying-a-knife.en.md:1: error" in result.stderr


def test_search_ranks_doorstep_first():
    result = run("advice", "search", "doorstep", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["results"][0]["id"] == "doorstep-crime"


def test_list_gives_every_topic_with_its_languages(library):
    result = run("advice", "list", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["count"] == len(library.topics)
    for row in document["topics"]:
        assert row["languages"][0] == "en"
        assert row["strand"] and row["title"]


def test_list_by_strand_and_data_dir_flag(tmp_path: Path):
    result = run("advice", "list", "--strand", "knife-crime", "--json", "--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["topics"]
    assert rows and {r["strand"] for r in rows} == {"knife-crime"}
    before = run("--data-dir", str(tmp_path), "advice", "list", "--strand", "knife-crime", "--json")
    assert json.loads(before.stdout)["topics"] == rows


def test_bad_arguments_go_to_stderr_with_non_zero_exit():
    result = run("advice", "list", "--lang", "xx", "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Unknown content language 'xx'" in result.stderr
    result = run("advice", "list", "--strand", "nope", "--json")
    assert result.returncode == 2 and "Unknown strand" in result.stderr


def test_hash_prints_the_english_hash(library):
    result = run("advice", "hash", "doorstep-crime")
    assert result.returncode == 0
    assert result.stdout.split()[0] == library.topic("doorstep-crime").english.content_hash()
