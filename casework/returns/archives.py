"""Zipped SSDA903 returns: checked before they are expanded, and expanded with a cap (OWASP ASVS 4.0
12.1.2, 12.1.3). The upload request reads only the zip's directory (inspect_zip); the task worker
expands it (expand_zip)."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError

ZIP_MEMBERS_MAX = 50


def _csv_members(bundle: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = [m for m in bundle.infolist() if not m.is_dir()]
    if len(members) > ZIP_MEMBERS_MAX:
        raise ValidationError(f"The zip holds {len(members)} files; an SSDA903 return has at most 13.")
    return [
        m
        for m in members
        if PurePosixPath(m.filename).name.lower().endswith(".csv")
        and not PurePosixPath(m.filename).name.startswith(".")
    ]


def inspect_zip(archive: Path) -> int:
    """The CSV bytes an SSDA903 zip says it expands to, read from its directory without expanding it;
    refused when that is more than MAX_RETURN_EXPANDED_BYTES or ZIP_MAX_RATIO times the zip's own size
    (a "zip bomb": OWASP ASVS 4.0 12.1.2)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = _csv_members(bundle)
    except zipfile.BadZipFile as error:
        raise ValidationError(f"{archive.name} is not a zip file that can be opened ({error}).") from error
    if not members:
        raise ValidationError(f"{archive.name} holds no CSV files.")
    expanded = sum(m.file_size for m in members)
    limit = settings.MAX_RETURN_EXPANDED_BYTES
    if expanded > limit:
        raise ValidationError(
            f"{archive.name} expands to {expanded / 1024**2:,.0f} MB of CSV files; at most "
            f"{limit / 1024**2:,.0f} MB can be imported. Check it is the SSDA903 return, or ask IT to "
            "import it."
        )
    ratio = expanded / max(1, archive.stat().st_size)
    if ratio > settings.ZIP_MAX_RATIO:
        raise ValidationError(
            f"{archive.name} expands {ratio:,.0f} times (to {expanded / 1024**2:,.0f} MB); a real return "
            f"expands at most {settings.ZIP_MAX_RATIO} times, so it was not opened. Zip the CSV files "
            "again from your case management system's export."
        )
    return expanded


def expand_zip(archive: Path, folder: Path) -> int:
    """Extract the CSV files of a checked SSDA903 zip (in the task worker, never the web request),
    counting the bytes as they are written: a member that expands beyond what the zip's directory
    declared, or beyond MAX_RETURN_EXPANDED_BYTES in all, stops the extraction."""
    declared = inspect_zip(archive)
    cap = min(declared, settings.MAX_RETURN_EXPANDED_BYTES)
    total = 0
    with zipfile.ZipFile(archive) as bundle:
        for member in _csv_members(bundle):
            with (
                bundle.open(member) as source,
                (folder / PurePosixPath(member.filename).name).open("wb") as out,
            ):
                while chunk := source.read(1024 * 1024):
                    total += len(chunk)
                    if total > cap:
                        raise ValidationError(
                            f"{archive.name} expands to more than its directory says ({cap:,} bytes): "
                            "it was not imported. Zip the CSV files again."
                        )
                    out.write(chunk)
    archive.unlink()
    return total
