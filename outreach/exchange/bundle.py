"""The bundle format: a signed zip (manifest + JSON lines + CSV), sealed to HQ's key.

Writing streams records into the zip; reading checks everything before anything is
returned: envelope, zip safety (paths, member count, sizes, compression ratio), format
version, the laptop's enrolment and signature, and each member's SHA-256.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from outreach.exchange.envelope import EnvelopeError, open_sealed, seal
from outreach.exchange.keys import HqPublicKey, LaptopPublicKey
from outreach.exchange.rendered import CSV_COLUMNS
from outreach.exchange.zipwrite import ZipTooLargeError, ZipWriter
from outreach.i18n import _

FORMAT = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
RECORDS = "engagements.jsonl"
TABLE = "engagements.csv"
MEMBERS = (RECORDS, TABLE)
MAX_MEMBERS = 16
MAX_BUNDLE_BYTES = 1 << 30  # 1 GiB on disk
MAX_UNCOMPRESSED = 4 << 30  # 4 GiB once unpacked
MAX_RATIO = 200  # JSON lines of engagements compress ~10:1; a bomb compresses ~1000:1
MAX_MANIFEST = 1 << 20
# ISA-L's levels run 0-3 (see zipwrite). 2 is its default: on 100,000 engagements level 3
# made the JSON lines 2.6 % smaller for up to twice the CPU, and level 1 2.6 % larger.
COMPRESS_LEVEL = 2


class BundleError(Exception):
    """A bundle is refused; the message names the problem. Nothing was imported."""


class UnknownLaptopError(BundleError):
    """The bundle's laptop is not enrolled at HQ."""

    def __init__(self, message: str, laptop_id: str, officer: str) -> None:
        super().__init__(message)
        self.laptop_id = laptop_id
        self.officer = officer


@dataclass
class BundleSummary:
    """What went into a bundle."""

    path: Path
    laptop_id: str
    officer: str
    created_at: str
    full: bool
    counts: dict[str, int] = field(default_factory=dict)
    size: int = 0


def _csv_row(record: dict) -> list[object]:
    if record.get("tombstone"):
        return (
            [record["id"], record["version"], 1]
            + [""] * (len(CSV_COLUMNS) - 4)
            + [record.get("updated_at", "")]
        )
    return [
        record["id"],
        record["version"],
        0,
        record["kind"],
        record["starts_at"],
        record["ends_at"] or "",
        record["venue"],
        record["district"],
        record["officer"],
        record["team"],
        record["people_engaged"],
        " ".join(record["strands"]),
        " ".join(record["audiences"]),
        " ".join(record["partners"]),
        sum(x["count"] for x in record["leaflets"]),
        len(record["concerns"]),
        len(record["follow_ups"]),
        "" if record["doors_knocked"] is None else record["doors_knocked"],
        "" if record["doors_answered"] is None else record["doors_answered"],
        "" if record["doors_leafleted"] is None else record["doors_leafleted"],
        int(bool(record["is_demo"])),
        record["updated_at"],
    ]


COUNT_NAMES = ("engagements", "tombstones", "leaflets", "concerns", "follow_ups", "surveys",
               "contacts")  # fmt: skip


def csv_row(record: dict) -> str:
    """A record's row of ``engagements.csv`` as csv.writer writes it, without the line end."""
    _ROW_TEXT.seek(0)
    _ROW_TEXT.truncate()
    _ROW_WRITER.writerow(_csv_row(record))
    return _ROW_TEXT.getvalue()[:-2]


_ROW_TEXT = io.StringIO()
_ROW_WRITER = csv.writer(_ROW_TEXT, lineterminator="\r\n")


@dataclass
class BundleChunk:
    """Some records already written: their JSON lines and CSV rows in UTF-8 (no line
    ends), counted."""

    lines: list[bytes] = field(default_factory=list)
    table: list[bytes] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_NAMES, 0))

    def add(self, record: dict) -> None:
        """Write one record (an engagement dict, see docs/export-to-hq.md)."""
        self.lines.append(
            json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        )
        self.table.append(csv_row(record).encode("utf-8"))
        counts = self.counts
        if record.get("tombstone"):
            counts["tombstones"] += 1
        else:
            counts["engagements"] += 1
            counts["leaflets"] += len(record["leaflets"])
            counts["concerns"] += len(record["concerns"])
            counts["follow_ups"] += len(record["follow_ups"])
            counts["surveys"] += record.get("survey") is not None
            counts["contacts"] += len(record.get("contacts", ()))


def _chunked(records: Iterable[dict], size: int = 2000) -> Iterator[BundleChunk]:
    chunk = BundleChunk()
    for record in records:
        chunk.add(record)
        if len(chunk.lines) >= size:
            yield chunk
            chunk = BundleChunk()
    if chunk.lines:
        yield chunk


def write_bundle(
    out: Path,
    records: Iterable[dict] | Iterable[BundleChunk],
    *,
    laptop: LaptopPublicKey,
    signing_key: Ed25519PrivateKey,
    hq_key: HqPublicKey,
    full: bool,
    since: str | None,
    app_version: str,
    progress: Callable[[int], None] | None = None,
) -> BundleSummary:
    """Write ``records`` as a sealed bundle: engagement dicts (see docs/export-to-hq.md),
    or :class:`BundleChunk` objects holding records already written as text.

    The file appears at ``out`` only when complete (written beside it, then renamed).
    """
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    created = now.isoformat()
    counts = dict.fromkeys(COUNT_NAMES, 0)
    with ZipWriter(now, COMPRESS_LEVEL) as zf:
        lines = zf.member(RECORDS)
        table = zf.member(TABLE)
        table.write((",".join(CSV_COLUMNS) + "\r\n").encode("utf-8"))
        for chunk in _as_chunks(records):
            if not chunk.lines:
                continue
            for name, n in chunk.counts.items():
                counts[name] += n
            chunk.lines.append(b"")  # so that the join ends the last line too
            chunk.table.append(b"")
            lines.write(b"\n".join(chunk.lines))
            table.write(b"\r\n".join(chunk.table))
            if progress:
                progress(counts["engagements"] + counts["tombstones"])
        lines.close()  # every block hashed before the manifest names the digests
        table.close()
        manifest = {
            "format": FORMAT,
            "laptop_id": laptop.laptop_id,
            "officer": laptop.officer,
            "laptop_key_fingerprint": laptop.fingerprint,
            "created_at": created,
            "full": full,
            "since": since,
            "app_version": app_version,
            "counts": counts,
            "members": {
                member.name: {"sha256": member.sha.hexdigest(), "size": member.size}
                for member in (lines, table)
            },
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        zf.add(MANIFEST, manifest_bytes)
        signature = (signing_key.sign(manifest_bytes).hex() + "\n").encode("ascii")
        zf.add(SIGNATURE, signature)
        unpacked = lines.size + table.size + len(manifest_bytes) + len(signature)
        plain = None
        if unpacked <= MAX_UNCOMPRESSED:
            with contextlib.suppress(ZipTooLargeError):
                plain = zf.getvalue()
        if plain is None or len(plain) > MAX_BUNDLE_BYTES:
            raise BundleError(
                _(
                    "This export would unpack to {size} MB, more than the {limit} MB one "
                    "bundle may hold; nothing was written."
                ).format(size=unpacked >> 20, limit=MAX_UNCOMPRESSED >> 20)
            )
    sealed = seal(plain, hq_key)
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = out.with_name(out.name + ".part")
    with open(temp, "wb") as handle:
        handle.write(sealed)
        handle.flush()
    temp.replace(out)
    if progress:
        progress(counts["engagements"] + counts["tombstones"])
    return BundleSummary(out, laptop.laptop_id, laptop.officer, created, full, counts, len(sealed))


def _as_chunks(records: Iterable) -> Iterator[BundleChunk]:
    iterator = iter(records)
    for first in iterator:
        if isinstance(first, BundleChunk):
            yield first
            yield from iterator
        else:
            yield from _chunked(itertools.chain([first], iterator))


# -- reading ---------------------------------------------------------------------------


@dataclass
class VerifiedBundle:
    """A bundle whose envelope, zip, manifest, signature and member hashes all checked out.

    Its records are checked when they are read: :attr:`records` parses them (raising
    :class:`BundleError` for a malformed one); HQ's merge may check them in the database.
    """

    path: Path
    sha256: str
    manifest: dict
    lines: bytes

    @property
    def laptop_id(self) -> str:
        return self.manifest["laptop_id"]

    @cached_property
    def records(self) -> list[dict]:
        """Every record, checked: JSON objects with an id and a version, of this laptop."""
        return list(_parse_records(self.lines, str(self.laptop_id)))

    def numbered_lines(self) -> Iterator[tuple[int, bytes]]:
        """The non-blank lines of ``engagements.jsonl`` with their line numbers (from 1)."""
        for number, line in enumerate(self.lines.splitlines(), start=1):
            if line.strip():
                yield number, line


def _safe_name(name: str) -> None:
    path = PurePosixPath(name)
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in path.parts
        or (len(name) > 1 and name[1] == ":")
    ):
        raise BundleError(
            _("The bundle holds a member whose path escapes its folder: {name!r}.").format(
                name=name
            )
        )


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise BundleError(
            _("The bundle's zip is corrupt or truncated ({error}).").format(error=exc)
        ) from exc
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise BundleError(
            _("The bundle holds {n} members, more than the {limit} allowed.").format(
                n=len(infos), limit=MAX_MEMBERS
            )
        )
    total = 0
    for info in infos:
        _safe_name(info.filename)
        total += info.file_size
        if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(
                _(
                    "The bundle member {name!r} would expand {ratio:.0f} times (a decompression "
                    "bomb); refused."
                ).format(name=info.filename, ratio=info.file_size / max(info.compress_size, 1))
            )
    if total > MAX_UNCOMPRESSED:
        raise BundleError(
            _(
                "The bundle would unpack to {size} MB, more than the {limit} MB allowed "
                "(a decompression bomb?); refused."
            ).format(size=total >> 20, limit=MAX_UNCOMPRESSED >> 20)
        )
    names = {info.filename for info in infos}
    expected = {MANIFEST, SIGNATURE, *MEMBERS}
    if names != expected:
        missing = sorted(expected - names)
        extra = sorted(names - expected)
        raise BundleError(
            _("The bundle's members are wrong (missing: {missing}; unexpected: {extra}).").format(
                missing=", ".join(missing) or "-", extra=", ".join(extra) or "-"
            )
        )
    return zf


def _read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        with zf.open(name) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BundleError(
            _("The bundle member {name!r} is corrupt ({error}).").format(name=name, error=exc)
        ) from exc
    if len(data) > limit:
        raise BundleError(_("The bundle member {name!r} is too large.").format(name=name))
    return data


def read_manifest(zf: zipfile.ZipFile) -> dict:
    raw = _read_member(zf, MANIFEST, MAX_MANIFEST)
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise BundleError(_("The bundle's manifest is not valid JSON ({error}).").format(
            error=exc)) from exc  # fmt: skip
    if not isinstance(manifest, dict):
        raise BundleError(_("The bundle's manifest is not a JSON object."))
    version = manifest.get("format")
    if not isinstance(version, int):
        raise BundleError(_("The bundle's manifest names no format version."))
    if version > FORMAT:
        raise BundleError(
            _(
                "The bundle uses format {found}, newer than this Outreach reads ({known}). "
                "Update Outreach at HQ, then import it again."
            ).format(found=version, known=FORMAT)
        )
    for key in ("laptop_id", "members", "created_at"):
        if key not in manifest:
            raise BundleError(_("The bundle's manifest lacks {key!r}.").format(key=key))
    return manifest


def read_bundle(
    path: Path,
    hq_private: X25519PrivateKey,
    laptop_key: Callable[[str], LaptopPublicKey | None],
) -> VerifiedBundle:
    """Open, check and parse a bundle; raises :class:`BundleError` naming the problem."""
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            raise BundleError(
                _("{path} is {size} MB, larger than any bundle ({limit} MB).").format(
                    path=path, size=size >> 20, limit=MAX_BUNDLE_BYTES >> 20
                )
            )
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError(
            _("{path} cannot be read ({error}).").format(path=path, error=exc.strerror or exc)
        ) from exc
    sha = hashlib.sha256(data).hexdigest()
    try:
        plain = open_sealed(data, hq_private)
    except EnvelopeError as exc:
        raise BundleError(str(exc)) from exc
    del data
    zf = _open_zip(plain)
    manifest = read_manifest(zf)
    laptop_id = str(manifest["laptop_id"])
    enrolled = laptop_key(laptop_id)
    if enrolled is None:
        officer = str(manifest.get("officer", ""))
        raise UnknownLaptopError(
            _(
                "The bundle comes from laptop {laptop} ({officer}), which is not enrolled at "
                "HQ. On that laptop run 'outreach key show --out laptop-key.json', bring the "
                "file to HQ and run 'outreach hq enrol --db URL laptop-key.json', then import "
                "again."
            ).format(laptop=laptop_id, officer=officer or "?"),
            laptop_id,
            officer,
        )
    manifest_bytes = _read_member(zf, MANIFEST, MAX_MANIFEST)
    signature_text = _read_member(zf, SIGNATURE, 1024)
    try:
        signature = bytes.fromhex(signature_text.decode("ascii"))
        if signature_text != signature.hex().encode("ascii") + b"\n":
            raise ValueError("not the signature member as a laptop writes it")  # every byte counts
        Ed25519PublicKey.from_public_bytes(enrolled.public_key).verify(signature, manifest_bytes)
    except (InvalidSignature, ValueError, UnicodeDecodeError) as exc:
        raise BundleError(
            _(
                "The bundle's signature does not match laptop {laptop}'s enrolled key: it "
                "was altered or forged; refused."
            ).format(laptop=laptop_id)
        ) from exc
    members = manifest["members"]
    if not isinstance(members, dict) or set(members) != set(MEMBERS):
        raise BundleError(_("The bundle's manifest does not list its members."))
    contents: dict[str, bytes] = {}
    for name in MEMBERS:
        expected = members[name]
        limit = min(int(expected.get("size", 0)), MAX_UNCOMPRESSED)
        content = _read_member(zf, name, limit)
        if hashlib.sha256(content).hexdigest() != expected.get("sha256"):
            raise BundleError(
                _("The bundle member {name!r} does not match its checksum: it was altered.").format(
                    name=name
                )
            )
        contents[name] = content
    return VerifiedBundle(path, sha, manifest, contents[RECORDS])


def _parse_records(data: bytes, laptop_id: str) -> Iterator[dict]:
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            ident = record["id"]
            version = record["version"]
            if not isinstance(ident, str) or not isinstance(version, int) or version < 1:
                raise ValueError(_("bad id or version"))
        except (ValueError, KeyError, TypeError) as exc:
            raise BundleError(
                _("Record {n} of the bundle is malformed ({error}).").format(n=number, error=exc)
            ) from exc
        if record.get("laptop_id") != laptop_id:
            raise BundleError(
                _("Record {id} claims another laptop ({other}) than the bundle's; refused.").format(
                    id=ident, other=record.get("laptop_id")
                )
            )
        yield record
