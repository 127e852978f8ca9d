"""Encryption at rest: SQLCipher with a key derived from the officer's passphrase.

The passphrase is stretched with scrypt (memory-hard) and a random per-database salt into a
raw 256-bit key that SQLCipher uses as it is (``PRAGMA key = "x'<hex>'"``), so SQLCipher's
own PBKDF2 is not the only protection. The salt and scrypt's cost live in a small key file
beside the database (``outreach.db.kdf``); it holds no secret, but without it the database
cannot be opened, so backups carry a copy. A short check value in it tells a wrong
passphrase from a damaged database file.

A database with no passphrase yet is a plain SQLite file; setting a passphrase encrypts it
in place: an encrypted copy is exported next to it, then swapped in atomically.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from outreach.i18n import _
from outreach.storage.keyfiles import (  # noqa: F401 (part of this module's interface)
    KEY_FILE_SUFFIX,
    SQLITE_MAGIC,
    is_encrypted,
    is_plain_sqlite,
    key_file,
    pending_key_file,
)

KEY_BYTES = 32
# scrypt cost: 32 MiB of memory and about a tenth of a second per try on the laptops.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SCRYPT_MAXMEM = 64 * 1024 * 1024
MIN_PASSPHRASE = 8


class CryptoError(Exception):
    """Encryption cannot be used as asked; the message says why."""


@dataclass(frozen=True)
class KeyParams:
    """How a database's key is derived from a passphrase (no secret in here)."""

    salt: str
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    check: str = ""
    kdf: str = "scrypt"
    format: int = 1

    @classmethod
    def new(cls) -> KeyParams:
        """Fresh parameters with a random salt at the current cost."""
        return cls(salt=secrets.token_hex(16), n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)

    def derive(self, passphrase: str) -> bytes:
        """The raw SQLCipher key for ``passphrase``."""
        if self.kdf != "scrypt":
            raise CryptoError(_("Unknown key derivation {kdf!r}.").format(kdf=self.kdf))
        return hashlib.scrypt(
            passphrase.encode("utf-8"),
            salt=bytes.fromhex(self.salt),
            n=self.n,
            r=self.r,
            p=self.p,
            maxmem=max(SCRYPT_MAXMEM, 130 * self.n * self.r),
            dklen=KEY_BYTES,
        )

    def with_check(self, key: bytes) -> KeyParams:
        return KeyParams(**{**asdict(self), "check": check_value(key)})

    def matches(self, key: bytes) -> bool:
        """Whether ``key`` is the one this file was made for (when it records a check)."""
        return not self.check or hmac.compare_digest(self.check, check_value(key))


def check_value(key: bytes) -> str:
    """A short value that tells whether a key is right without revealing it."""
    return hmac.new(key, b"outreach key check", hashlib.sha256).hexdigest()[:16]


def read_key_params(db_path: Path, pending: bool = False) -> KeyParams:
    path = pending_key_file(db_path) if pending else key_file(db_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        params = KeyParams(**data)
        bytes.fromhex(params.salt)
        if not all(isinstance(v, int) and v > 0 for v in (params.n, params.r, params.p)):
            raise ValueError("bad cost")
        return params
    except FileNotFoundError as exc:
        raise CryptoError(
            _(
                "The key file {path} is missing, so the encrypted database cannot be opened. "
                "Restore it (a copy is beside every backup)."
            ).format(path=path)
        ) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise CryptoError(
            _("The key file {path} is damaged ({error}).").format(path=path, error=exc)
        ) from exc


def write_key_params(db_path: Path, params: KeyParams, pending: bool = False) -> None:
    from outreach.settings import atomic_write_bytes

    path = pending_key_file(db_path) if pending else key_file(db_path)
    atomic_write_bytes(path, json.dumps(asdict(params), indent=1).encode("utf-8"))


def key_literal(key: bytes) -> str:
    return f"\"x'{key.hex()}'\""


def sqlcipher_available() -> bool:
    try:
        import sqlcipher3  # noqa: F401
    except ImportError:
        return False
    return True


def connect(path: Path, key: bytes | None = None):
    """A DB-API connection to ``path`` (SQLCipher), keyed when ``key`` is given.

    Where SQLCipher is not installed a plain database still opens with the standard
    library's sqlite3; an encrypted one is refused with a message saying why.
    """
    try:
        import sqlcipher3
    except ImportError as exc:
        if key is not None:
            raise CryptoError(
                _(
                    "Encryption is not available: the SQLCipher module (sqlcipher3) is not "
                    "installed. See docs/security.md."
                )
            ) from exc
        import sqlite3

        return sqlite3.connect(str(path), check_same_thread=False)
    connection = sqlcipher3.connect(str(path), check_same_thread=False)
    connection.execute("PRAGMA cipher_log_level = NONE")
    if key is not None:
        connection.execute(f"PRAGMA key = {key_literal(key)}")
    return connection


def export_copy(source: Path, source_key: bytes | None, target: Path, key: bytes | None) -> None:
    """Write a consistent copy of ``source`` to ``target`` (encrypted with ``key`` if given)."""
    target.unlink(missing_ok=True)
    if source_key is None and key is None and not sqlcipher_available():
        import sqlite3

        with sqlite3.connect(source) as plain, sqlite3.connect(target) as copy:
            plain.backup(copy)
        plain.close()
        copy.close()
        return
    connection = connect(source, source_key)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        literal = key_literal(key) if key is not None else "''"
        connection.execute(f"ATTACH DATABASE ? AS target KEY {literal}", (str(target),))
        connection.execute("SELECT sqlcipher_export('target')").fetchone()
        connection.execute("DETACH DATABASE target")
    finally:
        connection.close()
    with target.open("rb+") as fh:
        os.fsync(fh.fileno())


def quick_check(path: Path, key: bytes | None = None) -> str:
    """``ok`` when ``path`` is a sound database, else what SQLite found wrong."""
    try:
        connection = connect(path, key)
    except Exception as exc:
        return str(exc)
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
        return "; ".join(str(r[0]) for r in rows[:5])
    except Exception as exc:  # sqlcipher3.DatabaseError: not a database, damaged page ...
        return str(exc)
    finally:
        connection.close()


def checkpoint(path: Path, key: bytes | None) -> None:
    """Fold the write-ahead log into the file so the file alone is the database."""
    connection = connect(path, key)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        connection.execute("PRAGMA journal_mode = DELETE").fetchall()
    finally:
        connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def swap_in(new: Path, path: Path) -> None:
    """Atomically replace ``path`` by ``new`` (no stale write-ahead log left behind)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(new, path)
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise CryptoError(_("A passphrase needs at least {n} characters.").format(n=MIN_PASSPHRASE))
