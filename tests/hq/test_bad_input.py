"""Every kind of bad bundle is refused with a message naming the problem; HQ is unchanged."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from outreach.exchange.envelope import open_sealed, seal
from outreach.exchange.keys import hq_private_key, init_hq_key, laptop_signing_key
from tests.hq.conftest import dump, enrol_all, hq_service, jsonl

pytestmark = pytest.mark.usefixtures("laptops")


@pytest.fixture
def setup(tmp_path, laptops, hq_folder):
    """HQ holding north's first bundle, and north's next (genuine) bundle opened up."""
    from outreach.engagements.demo import generate

    north = laptops[0]
    s = north.services
    generate(s.engine, s.engagements.vocab, s.engagements.laptop_id, 30, seed=3)
    service = hq_service(hq_folder)
    enrol_all(service, laptops)
    assert service.import_bundles([north.export(tmp_path / "first.bundle")])[0].ok
    s.engagements.update(s.engagements.rows(limit=1)[0].id, _edited(s))
    genuine = north.export(tmp_path / "second.bundle")
    plain = open_sealed(genuine.read_bytes(), hq_private_key(hq_folder))
    members = {}
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        for name in zf.namelist():
            members[name] = zf.read(name)
    yield service, north, genuine, members
    service.engine.dispose()


def _edited(services):
    from tests.engagements.conftest import stall

    return stall(venue="Edited before the second export")


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _sealed(tmp_path: Path, hq_folder: Path, plain: bytes, name: str = "bad.bundle") -> Path:
    from outreach.exchange.keys import HqPublicKey

    path = tmp_path / name
    path.write_bytes(seal(plain, HqPublicKey.read(hq_folder / "hq" / "hq-public.json")))
    return path


def _resign(members: dict[str, bytes], manifest: dict, key: Ed25519PrivateKey) -> dict:
    raw = json.dumps(manifest).encode()
    return {**members, "manifest.json": raw, "manifest.sig": key.sign(raw).hex().encode() + b"\n"}


def _refused(service, path: Path, *phrases: str) -> None:
    before = dump(service.engine)
    outcome = service.import_bundles([path])[0]
    assert not outcome.ok, "the bad bundle was accepted"
    for phrase in phrases:
        assert phrase in outcome.error, outcome.error
    assert dump(service.engine) == before


def test_the_genuine_bundle_is_accepted(setup):
    service, _north, genuine, _members = setup
    outcome = service.import_bundles([genuine])[0]
    assert outcome.ok, outcome.error
    assert outcome.counts["updated"] == 1


def test_truncated_file(setup, tmp_path):
    service, _north, genuine, _members = setup
    cut = tmp_path / "cut.bundle"
    cut.write_bytes(genuine.read_bytes()[: genuine.stat().st_size // 2])
    _refused(service, cut, "damaged or was altered")


def test_not_a_bundle(setup, tmp_path):
    service, *_ = setup
    other = tmp_path / "photo.jpg"
    other.write_bytes(b"\xff\xd8\xff\xe0 a photo, not a bundle" * 10)
    _refused(service, other, "not an Outreach bundle")


def test_flipped_byte_in_the_ciphertext(setup, tmp_path):
    service, _north, genuine, _members = setup
    data = bytearray(genuine.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped = tmp_path / "flipped.bundle"
    flipped.write_bytes(bytes(data))
    _refused(service, flipped, "damaged or was altered")


def test_corrupt_zip(setup, tmp_path, hq_folder):
    service, *_ = setup
    _refused(service, _sealed(tmp_path, hq_folder, b"PK\x03\x04 garbage"), "corrupt")


def test_truncated_zip(setup, tmp_path, hq_folder):
    service, _north, _genuine, members = setup
    plain = _zip(members)
    _refused(service, _sealed(tmp_path, hq_folder, plain[: len(plain) - 200]), "corrupt")


@pytest.mark.parametrize("evil", ["../../escape.txt", "/etc/cron.d/evil", "..\\up.txt", "C:x"])
def test_member_path_that_escapes(setup, tmp_path, hq_folder, evil):
    service, _north, _genuine, members = setup
    plain = _zip({**members, evil: b"x"})
    _refused(service, _sealed(tmp_path, hq_folder, plain), "escapes its folder", repr(evil))


def test_too_many_members(setup, tmp_path, hq_folder):
    service, _north, _genuine, members = setup
    extra = {f"extra-{i}.txt": b"x" for i in range(20)}
    _refused(service, _sealed(tmp_path, hq_folder, _zip({**members, **extra})), "members")


def test_decompression_bomb(setup, tmp_path, hq_folder):
    service, _north, _genuine, members = setup
    plain = _zip({**members, "engagements.jsonl": b"\0" * (64 << 20)})
    assert len(plain) < 1 << 20  # 64 MB packed into well under 1 MB
    _refused(service, _sealed(tmp_path, hq_folder, plain), "decompression bomb")


def test_unexpected_member(setup, tmp_path, hq_folder):
    service, _north, _genuine, members = setup
    plain = _zip({**members, "readme.txt": b"hello"})
    _refused(service, _sealed(tmp_path, hq_folder, plain), "unexpected: readme.txt")


def test_tampered_manifest(setup, tmp_path, hq_folder):
    service, _north, _genuine, members = setup
    manifest = json.loads(members["manifest.json"])
    manifest["officer"] = "Someone else"
    plain = _zip({**members, "manifest.json": json.dumps(manifest).encode()})
    _refused(service, _sealed(tmp_path, hq_folder, plain), "signature", "altered or forged")


def test_tampered_member(setup, tmp_path, hq_folder):
    service, _north, _genuine, members = setup
    lines = members["engagements.jsonl"].replace(b"Edited before", b"Forged before")
    assert lines != members["engagements.jsonl"]
    plain = _zip({**members, "engagements.jsonl": lines})
    _refused(service, _sealed(tmp_path, hq_folder, plain), "engagements.jsonl", "checksum")


def test_wrong_signature(setup, tmp_path, hq_folder):
    service, _north, _genuine, members = setup
    manifest = json.loads(members["manifest.json"])
    forged = _resign(members, manifest, Ed25519PrivateKey.generate())
    _refused(service, _sealed(tmp_path, hq_folder, _zip(forged)), "signature")


@pytest.mark.parametrize(
    "change",
    [
        lambda sig: sig[:-1] + b"\x0b",  # the line end (Hypothesis found this one)
        lambda sig: sig + b"\n",
        lambda sig: sig.upper(),
        lambda sig: sig[:2] + b" " + sig[2:],
        lambda sig: sig[:-1],
    ],
)
def test_any_change_to_the_signature_member(setup, tmp_path, hq_folder, change):
    """The signature still verifies once whitespace and case are ignored: the member's
    bytes must still be exactly as the laptop wrote them."""
    service, _north, _genuine, members = setup
    changed = change(members["manifest.sig"])
    assert changed != members["manifest.sig"]
    plain = _zip({**members, "manifest.sig": changed})
    _refused(service, _sealed(tmp_path, hq_folder, plain), "signature", "altered or forged")


def test_encrypted_to_another_key(setup, tmp_path):
    from outreach.exchange.keys import HqPublicKey

    service, _north, _genuine, members = setup
    other_hq, _ = init_hq_key(tmp_path / "other-hq")
    path = tmp_path / "elsewhere.bundle"
    path.write_bytes(seal(_zip(members), other_hq))
    assert isinstance(other_hq, HqPublicKey)
    _refused(service, path, "encrypted to another HQ key", other_hq.fingerprint)


def test_newer_format_version(setup, tmp_path, hq_folder):
    service, north, _genuine, members = setup
    manifest = json.loads(members["manifest.json"])
    manifest["format"] = 2
    signed = _resign(members, manifest, laptop_signing_key(north.folder))
    _refused(service, _sealed(tmp_path, hq_folder, _zip(signed)), "format 2", "newer")


def test_newer_envelope_version(setup, tmp_path):
    service, _north, genuine, _members = setup
    data = bytearray(genuine.read_bytes())
    data[len(b"OUTREACH-BUNDLE\n")] = 9
    newer = tmp_path / "newer.bundle"
    newer.write_bytes(bytes(data))
    _refused(service, newer, "envelope format 9", "newer")


def test_unknown_laptop_is_told_how_to_enrol(tmp_path, laptops, hq_folder):
    north = laptops[0]
    north.services.engagements.create(_edited(north.services))
    bundle = north.export(tmp_path / "north.bundle")
    service = hq_service(hq_folder)  # nobody enrolled
    _refused(
        service, bundle, "not enrolled", "outreach hq enrol", north.services.engagements.laptop_id
    )


def test_a_record_claiming_another_laptop(setup, tmp_path, hq_folder, laptops):
    service, north, _genuine, members = setup
    south_id = laptops[1].services.engagements.laptop_id
    records = [json.loads(line) for line in members["engagements.jsonl"].splitlines()]
    records[0]["laptop_id"] = south_id
    lines = jsonl(records)
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["engagements.jsonl"] = {
        "sha256": __import__("hashlib").sha256(lines).hexdigest(),
        "size": len(lines),
    }
    signed = _resign(
        {**members, "engagements.jsonl": lines}, manifest, laptop_signing_key(north.folder)
    )
    _refused(service, _sealed(tmp_path, hq_folder, _zip(signed)), "claims another laptop")


def test_a_malformed_record_imports_nothing_of_its_bundle(setup, tmp_path, hq_folder):
    service, north, _genuine, _members = setup
    from outreach.engagements.demo import generate

    s = north.services
    generate(s.engine, s.engagements.vocab, s.engagements.laptop_id, 5, seed=9)
    fresh = open_sealed(
        north.export(tmp_path / "third.bundle").read_bytes(), hq_private_key(hq_folder)
    )
    with zipfile.ZipFile(io.BytesIO(fresh)) as zf:
        third = {n: zf.read(n) for n in zf.namelist()}
    records = [json.loads(line) for line in third["engagements.jsonl"].splitlines()]
    assert len(records) >= 5
    del records[-1]["district"]  # the last record lacks a required field
    lines = jsonl(records)
    manifest = json.loads(third["manifest.json"])
    manifest["members"]["engagements.jsonl"] = {
        "sha256": __import__("hashlib").sha256(lines).hexdigest(),
        "size": len(lines),
    }
    signed = _resign(
        {**third, "engagements.jsonl": lines}, manifest, laptop_signing_key(north.folder)
    )
    _refused(service, _sealed(tmp_path, hq_folder, _zip(signed)), "malformed", "district")
