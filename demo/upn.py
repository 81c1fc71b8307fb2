"""Unique pupil numbers (UPNs) with a valid DfE check letter.

A UPN is 13 characters: a check letter, the LA number (3 digits), the DfE establishment number (4), the
last two digits of the year of allocation (2) and a serial number (3). In a temporary UPN the last
character is a letter. The check letter: multiply the value of each of characters 2 to 13 by its
position (2 to 13), add the products, and take the remainder on division by 23 as an index into
CHECK_LETTERS; a letter in position 13 counts as its index in the same alphabet (DfE, "Unique pupil
numbers (UPNs): guidance for schools and local authorities"; CIN census validation rule 1510).
"""

from __future__ import annotations

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S

# The LA number inside a demo UPN. The CIN census accepts only recognised LA numbers there (rule 1530:
# the authorities' numbers and the DfE pseudo-LA numbers 001-005), so the demo authority's own fictional
# number (999) would fail every UPN. The pseudo-LA numbers are no authority's: a demo UPN is never a real
# child's. "001" stands for the demo authority's schools, 002-005 for schools elsewhere.
DEMO_UPN_LA = "001"
DEMO_UPN_OTHER_LAS = ("002", "003", "004", "005")


def _value(char: str) -> int:
    return int(char) if char.isdigit() else CHECK_LETTERS.index(char)


def check_letter(body: str) -> str:
    """The check letter for the 12 characters that follow it."""
    if len(body) != 12:
        raise ValueError("A UPN has 12 characters after its check letter")
    return CHECK_LETTERS[sum(_value(char) * position for position, char in enumerate(body, start=2)) % 23]


def make_upn(la_number: str, establishment: int, year: int, serial: int | str) -> str:
    """A permanent UPN (numeric serial) or a temporary one (serial ending in a letter)."""
    tail = f"{serial:03d}" if isinstance(serial, int) else serial
    body = f"{la_number}{establishment:04d}{year % 100:02d}{tail}"
    return check_letter(body) + body


def is_valid_upn(upn: str) -> bool:
    if len(upn) != 13 or not upn[1:12].isdigit() or not (upn[12].isdigit() or upn[12] in CHECK_LETTERS):
        return False
    return upn[0] == check_letter(upn[1:])
