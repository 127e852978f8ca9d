"""Encryption of a bundle to HQ's public key.

A standard hybrid construction from the ``cryptography`` library: an ephemeral X25519 key
agreement with HQ's key, HKDF-SHA256 to derive a one-time key, then AES-256-GCM over the
whole signed zip. The clear header (magic, format, recipient fingerprint, ephemeral key,
nonce) is authenticated as associated data.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from outreach.exchange.keys import HqPublicKey, hq_public_of
from outreach.i18n import _

MAGIC = b"OUTREACH-BUNDLE\n"
ENVELOPE_FORMAT = 1
_FP = 16  # bytes of the recipient fingerprint in the header
HEADER_SIZE = len(MAGIC) + 1 + _FP + 32 + 12
_INFO = b"outreach bundle envelope v1"


class EnvelopeError(Exception):
    """The bundle file cannot be opened; the message says why."""


def _derive(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=_INFO
    ).derive(shared)


def seal(plaintext: bytes, recipient: HqPublicKey) -> bytes:
    """Encrypt ``plaintext`` so that only the holder of HQ's private key can read it."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = hq_public_of(ephemeral).public_key
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.public_key))
    key = _derive(shared, ephemeral_public, recipient.public_key)
    nonce = os.urandom(12)
    header = (
        MAGIC
        + bytes([ENVELOPE_FORMAT])
        + bytes.fromhex(recipient.fingerprint)[:_FP]
        + ephemeral_public
        + nonce
    )
    return header + AESGCM(key).encrypt(nonce, plaintext, header)


def open_sealed(data: bytes, private: X25519PrivateKey) -> bytes:
    """Decrypt a sealed bundle, or raise :class:`EnvelopeError` naming the problem."""
    if not data.startswith(MAGIC):
        raise EnvelopeError(_("This is not an Outreach bundle (its first bytes are wrong)."))
    if len(data) < HEADER_SIZE + 16:
        raise EnvelopeError(_("The bundle is truncated: it ends inside its header."))
    version = data[len(MAGIC)]
    if version > ENVELOPE_FORMAT:
        raise EnvelopeError(
            _(
                "The bundle uses envelope format {found}, newer than this Outreach reads "
                "({known}). Update Outreach at HQ, then import it again."
            ).format(found=version, known=ENVELOPE_FORMAT)
        )
    at = len(MAGIC) + 1
    recipient_fp = data[at : at + _FP]
    at += _FP
    ephemeral_public = data[at : at + 32]
    at += 32
    nonce = data[at : at + 12]
    at += 12
    ours = hq_public_of(private)
    if recipient_fp != bytes.fromhex(ours.fingerprint)[:_FP]:
        raise EnvelopeError(
            _(
                "The bundle was encrypted to another HQ key (fingerprint {theirs}); this HQ's "
                "key is {ours}. Give the laptop this HQ's public key and export again."
            ).format(theirs=recipient_fp.hex(), ours=ours.fingerprint)
        )
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        key = _derive(shared, ephemeral_public, ours.public_key)
        return AESGCM(key).decrypt(nonce, data[at:], data[:at])
    except (InvalidTag, ValueError) as exc:
        raise EnvelopeError(
            _("The bundle is damaged or was altered (truncated or changed on the way).")
        ) from exc
