"""RAG settings to and from JSON, so an LA's own versions are data (RagSettingsVersion.settings)."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.contact import Cadence, RagSettings, Rating
from domain.contact.enums import Mode
from domain.contact.minimums import PracticeStandard
from domain.intervals import Interval


def _interval(data: dict[str, Any]) -> Interval:
    return Interval(int(data["amount"]), data["unit"])


def _interval_json(interval: Interval) -> dict[str, Any]:
    return {"amount": interval.amount, "unit": str(interval.unit)}


def rag_settings_to_json(settings: RagSettings) -> dict[str, Any]:
    return {
        "definitions": {str(r): text for r, text in settings.definitions.items()},
        "cadences": [
            {
                "rating": str(rating),
                "status": status,
                "interval": _interval_json(c.interval),
                "face_to_face_every": c.face_to_face_every,
                "modes": sorted(str(m) for m in c.allowed_modes),
                "note": c.note,
            }
            for (rating, status), c in sorted(settings.cadences.items())
        ],
        "review_after": {str(r): _interval_json(i) for r, i in settings.review_after.items()},
        "practice_standards": {
            status: {
                "requirement": p.requirement,
                "interval": _interval_json(p.interval),
                "face_to_face_required": p.face_to_face_required,
                "modes": sorted(str(m) for m in p.modes),
                "source": p.source,
                "note": p.note,
                "confirmed": p.confirmed,
            }
            for status, p in settings.practice_standards.items()
        },
        "source_note": settings.source_note,
    }


def rag_settings_from_json(data: dict[str, Any], *, effective_from: date, label: str) -> RagSettings:
    return RagSettings(
        effective_from=effective_from,
        label=label,
        is_default=False,
        definitions={Rating(r): text for r, text in data["definitions"].items()},
        cadences={
            (Rating(c["rating"]), c["status"]): Cadence(
                _interval(c["interval"]),
                int(c["face_to_face_every"]),
                frozenset(Mode(m) for m in c["modes"]),
                c.get("note", ""),
            )
            for c in data["cadences"]
        },
        review_after={Rating(r): _interval(i) for r, i in data["review_after"].items()},
        practice_standards={
            status: PracticeStandard(
                requirement=p["requirement"],
                interval=_interval(p["interval"]),
                face_to_face_required=bool(p["face_to_face_required"]),
                modes=frozenset(Mode(m) for m in p["modes"]),
                source=p["source"],
                note=p["note"],
                confirmed=bool(p.get("confirmed", False)),
            )
            for status, p in data["practice_standards"].items()
        },
        source_note=data.get("source_note", ""),
    )
