"""Which files make an encrypted database, and telling it from a plain one.

No cryptography here: the app asks at every start whether the records are encrypted,
before any window shows, and :mod:`outreach.storage.crypto` (scrypt, HMAC, JSON) is
only needed once they are opened.
"""

from __future__ import annotations

from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
KEY_FILE_SUFFIX = ".kdf"


def key_file(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX)


def pending_key_file(db_path: Path) -> Path:
    """The key file of a passphrase change not finished yet (see
    :func:`outreach.storage.crypto.read_key_params`)."""
    return db_path.with_name(db_path.name + KEY_FILE_SUFFIX + ".new")


def is_plain_sqlite(path: Path) -> bool:
    """Whether ``path`` starts like an unencrypted SQLite file."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def is_encrypted(path: Path) -> bool:
    """Whether ``path`` is a (non-empty) encrypted database: not plain and with a key file."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    has_key_file = key_file(path).exists() or pending_key_file(path).exists()
    return size > 0 and not is_plain_sqlite(path) and has_key_file
