"""PINs are kept as salted scrypt hashes: slow to guess, and never stored or logged in plain."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# scrypt cost: about 16 MiB and some tens of milliseconds per try, so guessing a 4-digit PIN
# from a stolen file takes minutes instead of microseconds, while unlocking stays instant.
N, R, P = 2**14, 8, 1
SCHEME = "scrypt"
MIN_LENGTH, MAX_LENGTH = 4, 64


def check_pin_rules(pin: str) -> None:
    if not isinstance(pin, str) or not MIN_LENGTH <= len(pin) <= MAX_LENGTH:
        raise ValueError(f"a PIN has {MIN_LENGTH} to {MAX_LENGTH} characters")


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_pin(pin: str) -> str:
    """`scrypt$n$r$p$salt$hash` with a fresh random salt per PIN."""
    check_pin_rules(pin)
    salt = secrets.token_bytes(16)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(_derive(pin, salt, N, R, P))}"


def is_pin_hash(text: object) -> bool:
    """Does `text` look like a hash this module wrote (used to check restored backups)?"""
    if not isinstance(text, str):
        return False
    parts = text.split("$")
    if len(parts) != 6 or parts[0] != SCHEME or not all(x.isdigit() for x in parts[1:4]):
        return False
    try:
        return len(base64.b64decode(parts[4], validate=True)) >= 8 and len(base64.b64decode(parts[5], validate=True)) == 32
    except ValueError:
        return False


def verify_pin(pin: str, stored: str) -> bool:
    if not is_pin_hash(stored) or not isinstance(pin, str):
        return False
    _, n, r, p, salt, expected = stored.split("$")
    actual = _derive(pin, base64.b64decode(salt), int(n), int(r), int(p))
    return hmac.compare_digest(actual, base64.b64decode(expected))  # constant time
