"""The password policy: the one check for registration, a change, an admin's set and a
reset (`users.api.check_password`).

A password needs `password_min_length` characters (at most `MAX_LENGTH`), must not be
built from the user's own email or name, and needs a zxcvbn score of at least
`password_min_score` (3 of 4: "safely unguessable" for an online attack). zxcvbn takes
up to ~150 ms on 100 characters, so it scores only the first `SCORED_CHARACTERS` (64,
worst case ~60 ms here) characters: a longer password is long enough for its start to decide.
"""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

from platform_server.core.errors import Unprocessable
from platform_server.core.settings import Settings

MIN_LENGTH = 10  # the least `password_min_length` may be, and what the document states
MAX_LENGTH = 1024
SCORED_CHARACTERS = 64
# What is left of a password once the user's own words, digits and symbols are taken
# out must be at least this long, or the password is just those words.
_OWN_WORDS_REST = 4


def _refuse(detail: str, field: str, msg: str) -> Unprocessable:
    return Unprocessable(detail, errors=[{"loc": ["body", field], "msg": msg}])


def _own_words(email: str | None, name: str | None) -> list[str]:
    words: list[str] = []
    if email:
        local, _, domain = email.lower().partition("@")
        words += [email.lower(), local, *re.split(r"[^a-z0-9]+", local), *domain.split(".")]
    if name:
        words += [name.lower(), *re.split(r"[^\w]+", name.lower())]
    return sorted({w for w in words if len(w) >= 3}, key=len, reverse=True)


def _built_from(password: str, words: list[str]) -> bool:
    rest = password.lower()
    if not any(word in rest for word in words):
        return False
    for word in words:
        rest = rest.replace(word, "")
    return len(re.sub(r"[\W\d_]+", "", rest)) < _OWN_WORDS_REST


def check_password(
    settings: Settings,
    password: str,
    *,
    field: str = "password",
    email: str | None = None,
    name: str | None = None,
) -> None:
    """Raises a 422 problem saying, in words a person understands, why `password` is
    refused for the user with this `email` and `name`; `field` names it in `errors`."""
    minimum = settings.password_min_length
    if len(password) < minimum:
        raise _refuse(
            f"Passwords need at least {minimum} characters.",
            field,
            f"at least {minimum} characters",
        )
    if len(password) > MAX_LENGTH:
        raise _refuse(
            f"Passwords may have at most {MAX_LENGTH} characters.",
            field,
            f"at most {MAX_LENGTH} characters",
        )
    words = _own_words(email, name)
    if _built_from(password, words):
        raise _refuse(
            "The password is built from your email address or name, which is easy to guess; "
            "choose one that has nothing to do with you.",
            field,
            "built from your email address or name",
        )
    scored = password[:SCORED_CHARACTERS]
    result = zxcvbn(scored, user_inputs=words, max_length=SCORED_CHARACTERS)
    if result["score"] >= settings.password_min_score:
        return
    feedback = result["feedback"]
    warning = feedback.get("warning") or "This password is too easy to guess."
    hints = " ".join(feedback.get("suggestions") or ["Use a longer, less common password."])
    raise _refuse(f"The password is too weak. {warning} {hints}", field, f"too weak: {warning}")
