"""First-run services: HQ's key file, passphrase strength, the printer test page."""

from __future__ import annotations

import re

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from outreach.exchange.keys import HqPublicKey, hq_public_of
from outreach.firstrun import (
    MAX_KEY_BYTES,
    KeyFileError,
    hq_key_path,
    install_hq_key,
    installed_hq_key_fingerprint,
    passphrase_problem,
    passphrase_strength,
    printer_test_page_pdf,
)

HQ = hq_public_of(X25519PrivateKey.generate())
KEY = HQ.to_bytes()  # the file 'outreach hq init' writes


def test_the_key_is_installed_where_exports_find_it_with_hq_s_fingerprint(tmp_path):
    source = tmp_path / "hq.pub"
    source.write_bytes(KEY)
    data = tmp_path / "data"
    shown = install_hq_key(source, data)
    assert HqPublicKey.read(hq_key_path(data)) == HQ
    assert shown.replace(" ", "") == HQ.fingerprint, "the fingerprint 'outreach hq init' printed"
    assert all(len(group) == 4 for group in shown.split()), "in fours, to read out"
    assert installed_hq_key_fingerprint(data) == shown


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        (b"", "empty"),
        (b"x" * (MAX_KEY_BYTES + 1), "too big"),
        (b"-----BEGIN PRIVATE KEY-----\nabc\n", "private key"),
        (b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDu8Zq0 hq@force.example\n", "not a usable HQ"),
        (b'{"type": "outreach-hq-key", "x25519": "AAAA"}', "not a usable HQ"),
    ],
)
def test_a_wrong_key_file_is_named_and_the_installed_key_is_kept(tmp_path, payload, problem):
    data = tmp_path / "data"
    good = tmp_path / "good.pub"
    good.write_bytes(KEY)
    install_hq_key(good, data)
    bad = tmp_path / "bad.pub"
    bad.write_bytes(payload)
    with pytest.raises(KeyFileError, match=problem) as caught:
        install_hq_key(bad, data)
    assert "bad.pub" in str(caught.value)
    assert HqPublicKey.read(hq_key_path(data)) == HQ


def test_a_folder_or_a_missing_file_is_not_a_key(tmp_path):
    with pytest.raises(KeyFileError, match="not a file"):
        install_hq_key(tmp_path, tmp_path / "data")
    with pytest.raises(KeyFileError, match="cannot be read"):
        install_hq_key(tmp_path / "nowhere.pub", tmp_path / "data")
    assert installed_hq_key_fingerprint(tmp_path / "data") is None


def test_passphrase_strength_grows_with_length_and_variety():
    assert not passphrase_strength("").acceptable
    assert not passphrase_strength("short").acceptable
    assert not passphrase_strength("aaaaaaaaaaaaaaaa").acceptable
    weak = passphrase_strength("lampshadex")
    strong = passphrase_strength("correct horse battery staple")
    assert weak.acceptable and strong.acceptable
    assert weak.score < strong.score == 3


def test_passphrases_must_match_and_be_long_enough():
    assert "not the same" in passphrase_problem("correct horse battery", "correct horse batery")
    assert "short" in passphrase_problem("abc", "abc").lower()
    assert passphrase_problem("correct horse battery", "correct horse battery") is None


def test_the_test_page_is_a_one_page_pdf():
    pdf = printer_test_page_pdf("en")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
