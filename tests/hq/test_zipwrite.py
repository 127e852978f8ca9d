"""The bundle's zip writer: blocks deflated on worker threads make one ordinary zip."""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import subprocess
import threading
import zipfile
import zlib

import pytest
from isal import isal_zlib

from outreach.exchange import bundle, zipwrite
from outreach.exchange.export import ExportError
from outreach.exchange.zipwrite import ZipWriter
from tests.engagements.conftest import stall

WHEN = dt.datetime(2026, 11, 26, 9, 41, 37)


def _text(size: int, seed: int = 1) -> bytes:
    """Lines like an engagement log's: much repeated, never the same."""
    rng = random.Random(seed)
    words = ["stall", "burglary", "cycle", "Chelmsford", "Basildon", "leaflet", "ar", "bn"]
    out = bytearray()
    while len(out) < size:
        out += f'{{"id":"{rng.getrandbits(64):x}","venue":"{rng.choice(words)}",'.encode()
        out += (
            f'"people":{rng.randint(0, 90)},"notes":"{" ".join(rng.sample(words, 4))}"}}\n'.encode()
        )
    return bytes(out[:size])


def _zip(members: dict[str, list[bytes]]) -> bytes:
    with ZipWriter(WHEN, bundle.COMPRESS_LEVEL) as writer:
        for name, pieces in members.items():
            member = writer.member(name)
            for piece in pieces:
                member.write(piece)
        return writer.getvalue()


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 1001, 4000, 25_555])
def test_members_of_any_size_read_back_with_zipfile(monkeypatch, size):
    monkeypatch.setattr(zipwrite, "BLOCK", 1000)
    text = _text(size)
    noise = random.Random(size).randbytes(size)  # does not compress
    pieces = [text[i : i + 333] for i in range(0, size, 333)] or [b""]
    data = _zip({"a.jsonl": pieces, "b.bin": [noise], "c.json": [b"{}"]})
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        assert zf.namelist() == ["a.jsonl", "b.bin", "c.json"]
        assert zf.read("a.jsonl") == text
        assert zf.read("b.bin") == noise
        assert zf.read("c.json") == b"{}"
        info = zf.getinfo("a.jsonl")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.date_time == (2026, 11, 26, 9, 41, 36)
        assert info.CRC == zlib.crc32(text)


def test_blocks_keep_the_compression_of_one_pass(monkeypatch):
    """Each block starts with the 32 KiB before it as its dictionary: without it, small
    blocks of this text would compress far worse than one pass."""
    monkeypatch.setattr(zipwrite, "BLOCK", 16384)  # 25 blocks
    text = _text(400_000)
    data = _zip({"a.jsonl": [text]})
    one_pass = len(isal_zlib.compress(text, bundle.COMPRESS_LEVEL, -15))
    assert len(data) < one_pass * 1.015  # 0.9 % more here; 2.3 % with no dictionary
    # Noise that repeats every 8,000 bytes: the blocks find the repeats in their
    # dictionaries (19 kB here; 395 kB with no dictionary).
    repeated = random.Random(2).randbytes(8000) * 50
    data_repeated = _zip({"r.bin": [repeated]})
    assert len(data_repeated) < len(repeated) / 10
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("a.jsonl") == text
    with zipfile.ZipFile(io.BytesIO(data_repeated)) as zf:
        assert zf.read("r.bin") == repeated


def test_blocks_are_deflated_on_worker_threads(monkeypatch):
    monkeypatch.setattr(zipwrite, "BLOCK", 1000)
    threads = set()
    deflate = zipwrite._deflate

    def spy(*args):
        threads.add(threading.current_thread().name)
        return deflate(*args)

    monkeypatch.setattr(zipwrite, "_deflate", spy)
    _zip({"a.jsonl": [_text(20_000)]})
    assert threads and all(name.startswith("deflate") for name in threads)


def test_info_zip_reads_it(monkeypatch, tmp_path):
    monkeypatch.setattr(zipwrite, "BLOCK", 1000)
    text = _text(30_000)
    path = tmp_path / "b.zip"
    path.write_bytes(_zip({"engagements.jsonl": [text], "manifest.json": [b"{}"]}))
    assert shutil.which("unzip"), "Info-ZIP unzip is needed (./dev.sh setup installs it)"
    checked = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = subprocess.run(["unzip", "-p", str(path), "engagements.jsonl"], capture_output=True)
    assert shown.stdout == text


def test_an_export_too_large_for_a_bundle_writes_nothing(tmp_path, laptops, monkeypatch):
    laptops[0].services.engagements.create(stall())
    monkeypatch.setattr(bundle, "MAX_UNCOMPRESSED", 100)
    out = tmp_path / "big.bundle"
    with pytest.raises(ExportError, match="more than the 0 MB one bundle may hold"):
        laptops[0].exporter.export(out)
    assert not out.exists() and not out.with_name("big.bundle.part").exists()
    assert laptops[0].exporter.last_mark() is None
