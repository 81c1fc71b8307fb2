"""What a local authority's codes look like, checked before an authority is set up.

Source: the ONS Government Statistical Service (GSS) coding policy: an English upper-tier or unitary
authority's code is a three-character entity (E06 unitary authorities, E07 non-metropolitan districts,
E08 metropolitan districts, E09 London boroughs, E10 counties) followed by six digits. The DfE's LA
number (the "LEA" code of the CIN census and Get Information about Schools) is three digits.
"""

from __future__ import annotations

import re

ONS_ENTITIES = ("E06", "E07", "E08", "E09", "E10")
ONS_CODE = re.compile(r"^(E06|E07|E08|E09|E10)\d{6}$")
LEA_CODE = re.compile(r"^\d{3}$")

ONS_CODE_INVALID = (
    "The ONS code must be E06, E07, E08, E09 or E10 followed by 6 digits, for example E09000027"
)
LEA_CODE_INVALID = "The LA number must be 3 digits, for example 318"


def ons_code_problem(code: str) -> str | None:
    """Why `code` cannot be an English local authority's ONS code, or None if it can."""
    return None if ONS_CODE.fullmatch(code) else ONS_CODE_INVALID


def lea_code_problem(code: str) -> str | None:
    """Why `code` cannot be a DfE LA number, or None if it can."""
    return None if LEA_CODE.fullmatch(code) else LEA_CODE_INVALID
