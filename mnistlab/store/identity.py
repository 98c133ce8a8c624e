"""Who is who without accounts: a random token the browser keeps, of which only the hash is stored.

Anyone holding the token is that student (it lives in the URL so a bookmark brings them back), so it
must be unguessable; the database never sees it, only its sha256, so a leaked database names nobody's
token. The teacher is whoever knows MNISTLAB_TEACHER_TOKEN.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata

NAME_MAX_CHARS = 40
TEACHER_TOKEN_ENV = "MNISTLAB_TEACHER_TOKEN"
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


class BadName(ValueError):
    """A display name that is empty once cleaned; the message says what is accepted."""


class NotAllowed(PermissionError):
    """A teacher action without the teacher's token, or a student touching a run that is not theirs."""


def new_token() -> str:
    """256 random bits, URL-safe (it goes into the ``me`` query parameter)."""
    return secrets.token_urlsafe(32)


def owner_of(token: str) -> str:
    """What the database keeps instead of the token."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.fullmatch(token):
        raise NotAllowed("This link's student token is not valid; pick a name to get a new one.")
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def clean_name(name: str) -> str:
    """A display name fit for a projector: no control or format characters, spaces collapsed, length-limited.

    Markup is kept as text here (a student may well be called "<b>"); whoever renders it escapes it.
    """
    if not isinstance(name, str):
        raise BadName("A display name must be text.")
    kept = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch
        for ch in unicodedata.normalize("NFC", name)
    )
    kept = " ".join(kept.split())[:NAME_MAX_CHARS].strip()
    if not kept:
        raise BadName(f"Pick a display name: 1 to {NAME_MAX_CHARS} visible characters.")
    return kept


def is_teacher(token: str | None) -> bool:
    """Constant-time comparison, so response times do not leak the teacher's token character by character."""
    expected = os.environ.get(TEACHER_TOKEN_ENV, "")
    if not expected or not token:
        return False  # no teacher token configured: nobody holds the teacher's controls
    return hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))


def require_teacher(token: str | None) -> None:
    if not is_teacher(token):
        raise NotAllowed(f"Only the teacher can do this (the token set in {TEACHER_TOKEN_ENV}).")
