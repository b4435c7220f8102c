import hashlib
import hmac

import pytest

from channels.signature import sign, verify_signature

SECRET = "app-secret-123"
BODY = b'{"object":"page","entry":[{"id":"1","messaging":[]}]}'


def reference_header(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_sign_matches_hmac_sha256_of_raw_bytes():
    assert sign(BODY, SECRET) == reference_header(BODY, SECRET)


def test_valid_signature_verifies():
    assert verify_signature(BODY, reference_header(BODY, SECRET), SECRET)


def test_uppercase_hex_digest_is_accepted():
    header = "sha256=" + reference_header(BODY, SECRET)[7:].upper()
    assert verify_signature(BODY, header, SECRET)


def test_escaped_unicode_body_verifies_on_raw_bytes():
    # Meta signs its \u-escaped serialisation; re-serialising would produce other bytes.
    body = b'{"object": "page", "entry": [{"id": "1", "text": "\\u00e4\\u00f6\\u00e5"}],  "x" :1}'
    assert verify_signature(body, reference_header(body, SECRET), SECRET)
    reserialised = '{"object": "page", "entry": [{"id": "1", "text": "äöå"}], "x": 1}'.encode()
    assert not verify_signature(reserialised, reference_header(body, SECRET), SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(),  # legacy header alone
        reference_header(BODY, SECRET)[7:],  # no prefix
        "SHA256=" + reference_header(BODY, SECRET)[7:],
        "sha256=" + "z" * 64,  # not hex
        "sha256=" + reference_header(BODY, SECRET)[7:-2],  # too short
        reference_header(BODY, SECRET) + "00",  # too long
        reference_header(BODY, "another-secret"),
        reference_header(BODY + b" ", SECRET),  # another body
    ],
)
def test_rejected_headers(header):
    assert not verify_signature(BODY, header, SECRET)


def test_no_secret_never_verifies():
    assert not verify_signature(BODY, reference_header(BODY, ""), "")
