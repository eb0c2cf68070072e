"""The secrets a giver holds: a link's token or a short code. Only a keyed hash is stored."""

import secrets

from django.utils.crypto import salted_hmac

# Unambiguous when read aloud or typed on a phone: no 0/O, 1/I/L, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXYZ234679"
CODE_LENGTH = 8


def secret_hash(secret: str) -> str:
    """A keyed hash of a token or code: a copy of the table alone cannot test guessed codes."""
    return salted_hmac("asye.feedback", secret, algorithm="sha256").hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What the giver typed, as the code was issued: capitals, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """Shown in two halves, easier to read aloud: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"
