"""PINs are kept as salted scrypt hashes: slow to guess, and never stored or logged in plain."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt cost: about 16 MiB and some tens of milliseconds per try, so guessing a 4-digit PIN
# from a stolen file takes minutes instead of microseconds, while unlocking stays instant.
N, R, P = 2**14, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
SCHEME = "scrypt"
MIN_LENGTH, MAX_LENGTH = 4, 64


def check_pin_rules(pin: str) -> None:
    if not isinstance(pin, str) or not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        raise ValueError(f"a PIN has {MIN_LENGTH} to {MAX_LENGTH} characters")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=HASH_BYTES)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_pin(pin: str) -> str:
    """`scrypt$n$r$p$salt$hash` with a fresh random salt per PIN."""
    check_pin_rules(pin)
    salt = secrets.token_bytes(SALT_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(_derive(pin, salt, N, R, P))}"


def is_pin_hash(text: object) -> bool:
    """Is `text` a hash this module writes: scrypt with exactly the app's own cost N, r, p?

    Backups and the database are checked with it. A hash with other cost parameters is
    refused, not verified: its cost is chosen by whoever wrote the file, and a planted
    `p=100000` would make one unlock run for an hour (or a huge N exhaust the memory).
    """
    if not isinstance(text, str) or len(text) > 200:
        return False
    parts = text.split("$")
    if len(parts) != 6 or parts[:4] != [SCHEME, str(N), str(R), str(P)]:
        return False
    try:
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except ValueError:
        return False
    return len(salt) == SALT_BYTES and len(digest) == HASH_BYTES


def verify_pin(pin: str, stored: str) -> bool:
    """Is `pin` the PIN of `stored`? False for a hash this module would not write."""
    if not is_pin_hash(stored) or not isinstance(pin, str) or len(pin) > MAX_LENGTH:
        return False
    _, _, _, _, salt, expected = stored.split("$")
    actual = _derive(pin, base64.b64decode(salt), N, R, P)
    return hmac.compare_digest(actual, base64.b64decode(expected))  # constant time
