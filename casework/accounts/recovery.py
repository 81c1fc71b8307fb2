"""Recovery codes are kept only as keyed hashes (OWASP ASVS 4.0 2.6.2 and 2.10.x: look-up secrets are
not stored in the clear), so a copy of the database does not hand anyone a way past the second factor.

A code is HMAC-SHA256 keyed by the deployment's secret key (Django's `salted_hmac`, with a salt of its
own for this use); the first 16 hex digits (64 bits) are stored, as many as django-otp's token column
holds. Codes are 8 random base32 characters (40 bits): without the secret key a stored digest cannot
be turned back into a code, and guessing online is throttled per device. Rotating SECRET_KEY without
keeping it in SECRET_KEY_FALLBACKS stops existing recovery codes working (people make new ones).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac

SALT = "continuity.accounts.recovery-code"
DIGEST_LENGTH = 16  # django_otp.plugins.otp_static.models.StaticToken.token is a CharField(max_length=16)


def normalise(code: str) -> str:
    """A code as typed ("ABCD 2345") as it was made ("abcd2345"); an app's code ("123 456") likewise."""
    return "".join(code.split()).lower()


def digest(code: str, *, secret: str | bytes | None = None) -> str:
    return salted_hmac(SALT, normalise(code), secret=secret, algorithm="sha256").hexdigest()[:DIGEST_LENGTH]


def digests(code: str) -> list[str]:
    """The code's digest under the secret key and each fallback key, so a key rotation done the Django
    way (the old key in SECRET_KEY_FALLBACKS) keeps people's codes working."""
    return [digest(code, secret=key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
