"""Room codes, secret keys and nicknames. Randomness is passed in: the app hands a
`random.SystemRandom` (the OS's secure source), tests a seeded `random.Random`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import unicodedata

from studyapp.classroom.errors import BadNickname

# No 0/O, 1/I/L: a code read off a projector from the back row is typed right the first time.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 4  # 31**4 = 923,521 codes; a live session's code is unique among live sessions
CODE_LENGTHS = range(4, 7)  # what a typed code may be (a longer one after many collisions)
TOKEN_BYTES = 24  # 192 random bits: 32 URL-safe characters
NICK_MAX = 20


def new_code(rng: random.Random, length: int = CODE_LENGTH) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def normalize_code(text: str | None) -> str | None:
    """A typed room code in its stored form ('ab cd' -> 'ABCD'), or None if it cannot be one."""
    if not isinstance(text, str):
        return None
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) not in CODE_LENGTHS or any(ch not in ALPHABET for ch in code):
        return None
    return code


def new_token(rng: random.Random) -> str:
    """A secret key (a teacher's controls, a student's identity), safe in a URL."""
    raw = rng.getrandbits(8 * TOKEN_BYTES).to_bytes(TOKEN_BYTES, "big")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def hash_token(token: str) -> str:
    """What the store keeps of a key. A plain SHA-256 suffices: the key is 192 random bits,
    not a password a person chose, so there is nothing to guess from the hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(token: str | None, stored_hash: str | None) -> bool:
    if not token or not stored_hash or not isinstance(token, str):
        return False
    return hmac.compare_digest(hash_token(token), stored_hash)


def clean_nickname(text: str | None) -> str:
    """A nickname as shown: NFKC-normalized, spaces collapsed, 1 to NICK_MAX characters, no
    control or invisible formatting characters (a right-to-left override would garble the
    teacher's list). It is always shown as plain text, so Markdown in it stays inert."""
    name = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not name:
        raise BadNickname("class_nick_empty")
    if len(name) > NICK_MAX:
        raise BadNickname("class_nick_long", most=NICK_MAX)
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise BadNickname("class_nick_control")
    return name
