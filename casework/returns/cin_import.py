"""Import a Children in Need census (XML) into the LA's return records and the register.

The stages every import has (casework.returns.importing): read (`stream`, `read_child`), check
(`_Importer.child`: rejections, then domain.census.cin.breaches), store (`_Importer.store`: children, then
`_BatchStore` compares each child's episodes with what is stored and writes the differences through
bulk.Writes), then the register and the report in importing.execute.

The file is read as a stream (defusedxml's expat parser, fed 64 KiB at a time: no DTDs, no entities, no
external references), so memory stays bounded whatever the file's size: each <Child> is built as a small
tree, turned into a `domain.census.cin.CinChild`, and dropped; children are written in batches of
`BATCH`, set-wise (a constant number of queries per batch and table). An XML namespace is ignored.

What is rejected (cannot be stored faithfully) and what is a breach (stored, listed for the LA to put right):
- rejected: no LAchildID; a second child with the same LAchildID; an impossible or unparseable date; two
  CINdetails with the same CINreferralDate, or one with none; a value longer than its column; a
  NumberOfPreviousCPP that is not a whole number 0-32767; a yes/no that is not 0/1/true/false; a Sex /
  GenderCurrent code that is not M/F/U or 0/1/2/9; no birth date for a child new to the register.
- breach: everything else the DfE rules check (domain.census.cin.breaches): unknown codes, date logic.

Idempotence: a child's episodes are matched by referral date; the parts of an episode (assessments, CIN
plans, section 47 enquiries, CP plans) are compared as ordered tuples and replaced only when different;
the child's episodes that are not in the file but overlap the file's collection period are removed.
Re-importing the same file writes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from casework.accounts.models import User
from casework.core.models import LocalAuthority
from casework.returns.bulk import Writes, assign_ids, new
from casework.returns.children import (
    GENDER_TO_SEX,
    SEX_TO_GENDER,
    Identity,
    Upserted,
    describe_changes,
    gender_for,
    upsert_children,
)
from casework.returns.cin_export import in_year
from casework.returns.importing import FileRefused, ImportLog, Progress, execute
from casework.returns.models import (
    CinAssessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    ImportRun,
    ReturnKind,
    Section47,
)
from domain.census import cin
from domain.census.years import FIRST_SUPPORTED_IMPORT_YEAR, CollectionYear

BATCH = 1000
CHUNK_BYTES = 64 * 1024
MAX_FILE_BYTES = 1024**3  # a census of England's largest LA is well under 100 MB
MAX_ELEMENTS_PER_CHILD = 20_000
MAX_TEXT = 2_000
FIX_REEXPORT = "Export the census again from the case management system (do not edit the file by hand)."

# Column widths (casework.returns.models / casework.children.models): a longer value cannot be stored.
WIDTHS = {
    "LAchildID": 36,
    "UPN": 13,
    "FormerUPN": 13,
    "UPNunknown": 3,
    "Ethnicity": 4,
    "Disability": 4,
    "ReferralSource": 3,
    "PrimaryNeedCode": 3,
    "ReasonForClosure": 3,
    "AssessmentFactors": 3,
    "InitialCategoryOfAbuse": 3,
    "LatestCategoryOfAbuse": 3,
}
MAX_PREVIOUS_CPP = 32767


# --- Streaming the XML -------------------------------------------------------------------------------


class Node:
    """One element of a <Header> or <Child>: tag without namespace, line, text, sub-elements."""

    __slots__ = ("children", "line", "tag", "text")

    def __init__(self, tag: str, line: int) -> None:
        self.tag = tag
        self.line = line
        self.text = ""
        self.children: list[Node] = []

    def find(self, tag: str) -> Node | None:
        for node in self.children:
            if node.tag == tag:
                return node
        return None

    def findall(self, tag: str) -> list[Node]:
        return [node for node in self.children if node.tag == tag]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Target:
    """Expat target: keeps only <Header> and one <Child> at a time, hands each over when it ends."""

    def __init__(self, on_header: Callable[[Node], None], on_child: Callable[[Node], None]) -> None:
        self.on_header = on_header
        self.on_child = on_child
        self.line: Callable[[], int] = lambda: 0
        self.path: list[str] = []
        self.stack: list[Node] = []  # the kept subtree being built (Header or Child)
        self.elements = 0
        self.root = ""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = _local(tag)
        depth = len(self.path)
        self.path.append(name)
        if depth == 0:
            self.root = name
            if name != "Message":
                raise FileRefused(
                    f"This is not a CIN census: the file starts with <{name}>, not <Message>",
                    location=f"line {self.line()}",
                    fix="Choose the CIN census XML file exported by the case management system.",
                )
            return
        keep = (depth == 1 and name == "Header") or (
            depth == 2 and self.path[1] == "Children" and name == "Child"
        )
        if self.stack or keep:
            node = Node(name, self.line())
            if self.stack:
                self.stack[-1].children.append(node)
                self.elements += 1
                if self.elements > MAX_ELEMENTS_PER_CHILD:
                    raise FileRefused(
                        f"<{self.stack[0].tag}> starting on line {self.stack[0].line} has more than "
                        f"{MAX_ELEMENTS_PER_CHILD:,} elements",
                        location=f"line {self.stack[0].line}",
                        fix=FIX_REEXPORT,
                    )
            else:
                self.elements = 0
            self.stack.append(node)

    def data(self, text: str) -> None:
        if self.stack:
            node = self.stack[-1]
            if len(node.text) < MAX_TEXT:
                node.text += text[: MAX_TEXT + 1 - len(node.text)]

    def end(self, tag: str) -> None:
        self.path.pop()
        if not self.stack:
            return
        node = self.stack.pop()
        if not self.stack:
            if node.tag == "Header":
                self.on_header(node)
            else:
                self.on_child(node)

    def close(self) -> None:
        return None


def stream(path: Path, target: _Target, progress: Callable[[int], None]) -> None:
    """Feed the file to a defused expat parser (no DTD, entities or external references)."""
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat = parser.parser
    target.line = lambda: int(expat.CurrentLineNumber)
    read = 0
    closing = False
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                read += len(chunk)
                parser.feed(chunk)
                progress(read)
            closing = True
            parser.close()
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        message = str(error).split(":", 1)[0]
        raise FileRefused(
            f"The file is not well-formed XML ({message})"
            + (": the file ends before the census does - it may have been cut short" if closing else ""),
            location=f"line {line}, column {column}",
            fix=FIX_REEXPORT,
        ) from None
    except DefusedXmlException as error:
        raise FileRefused(
            f"The file uses XML features that are not allowed in a census ({type(error).__name__})",
            location=f"line {expat.CurrentLineNumber}",
            fix="Remove the DOCTYPE/entity declarations; " + FIX_REEXPORT,
        ) from None
    except UnicodeError as error:
        raise FileRefused(f"The file's text encoding cannot be read ({error})", fix=FIX_REEXPORT) from None


# --- From elements to a census child -----------------------------------------------------------------


@dataclass
class Parsed:
    child: cin.CinChild
    problems: list[tuple[int, str, str, str, str]] = field(
        default_factory=list
    )  # line, field, value, msg, fix
    gender: str | None = None
    disabilities: list[str] | None = None


class _Reader:
    """Reads one <Child>: values as the census states them, and what stops it being stored."""

    def __init__(self, node: Node) -> None:
        self.parsed = Parsed(cin.CinChild(line=node.line))

    def problem(self, node: Node, message: str, fix: str, value: str = "") -> None:
        self.parsed.problems.append((node.line, node.tag, value[:200], message, fix))

    def text(self, parent: Node | None, tag: str, *, upper: bool = False) -> str:
        node = parent.find(tag) if parent is not None else None
        if node is None:
            return ""
        value = node.text.strip()
        if upper:
            value = value.upper()
        width = WIDTHS.get(tag)
        if width is not None and len(value) > width:
            self.problem(node, f"{tag} '{value[:40]}' is longer than {width} characters", FIX_REEXPORT, value)
            return value[:width]
        return value

    def date(self, parent: Node | None, tag: str) -> date | None:
        node = parent.find(tag) if parent is not None else None
        if node is None or not node.text.strip():
            return None
        try:
            return cin.parse_date(node.text)
        except cin.ValueProblem as problem:
            self.problem(node, f"{tag}: {problem.message}", problem.fix, node.text.strip())
            return None

    def boolean(self, parent: Node, tag: str) -> bool | None:
        node = parent.find(tag)
        if node is None or not node.text.strip():
            return None
        try:
            return cin.parse_bool(node.text)
        except cin.ValueProblem as problem:
            self.problem(node, f"{tag}: {problem.message}", problem.fix, node.text.strip())
            return None

    def codes(self, parent: Node | None, tag: str) -> tuple[str, ...]:
        if parent is None:
            return ()
        values = []
        for node in parent.findall(tag):
            value = node.text.strip().upper()
            if len(value) > WIDTHS[tag]:
                self.problem(
                    node, f"{tag} '{value[:40]}' is longer than {WIDTHS[tag]} characters", FIX_REEXPORT
                )
            elif value:
                values.append(value)
        return tuple(values)

    def read(self, node: Node) -> Parsed:
        child = self.parsed.child
        ids = node.find("ChildIdentifiers")
        child.la_child_id = self.text(ids, "LAchildID")
        child.upn = self.text(ids, "UPN", upper=True)
        child.former_upn = self.text(ids, "FormerUPN", upper=True)
        child.upn_unknown = self.text(ids, "UPNunknown", upper=True)
        child.birth = self.date(ids, "PersonBirthDate")
        child.expected_birth = self.date(ids, "ExpectedPersonBirthDate")
        child.death = self.date(ids, "PersonDeathDate")
        self._sex(ids)
        characteristics = node.find("ChildCharacteristics")
        child.ethnicity = self.text(characteristics, "Ethnicity", upper=True)
        disabilities = characteristics.find("Disabilities") if characteristics is not None else None
        if disabilities is not None:
            child.disabilities = self.codes(disabilities, "Disability")
            self.parsed.disabilities = [code for code in child.disabilities if code != "NONE"]
        seen: dict[date, int] = {}
        for details in node.findall("CINdetails"):
            episode = self._episode(details)
            if episode.referral is None:
                given = details.find("CINreferralDate")
                if given is None or not given.text.strip():
                    self.problem(details, "CINdetails has no CINreferralDate", "Give the referral date.")
                continue
            if episode.referral in seen:
                self.problem(
                    details,
                    f"Two CINdetails have the same CINreferralDate {episode.referral.isoformat()} "
                    f"(the other on line {seen[episode.referral]})",
                    "Merge the two episodes, or correct one referral date.",
                    episode.referral.isoformat(),
                )
                continue
            seen[episode.referral] = details.line
            child.episodes.append(episode)
        return self.parsed

    def _sex(self, ids: Node | None) -> None:
        child = self.parsed.child
        for tag in ("Sex", "GenderCurrent"):
            node = ids.find(tag) if ids is not None else None
            if node is None or not node.text.strip():
                continue
            value = node.text.strip().upper()
            if value not in SEX_TO_GENDER:
                self.problem(node, f"{tag} '{value[:20]}' is not a known code", "Write M, F or U.", value)
                return
            unborn = child.birth is None and child.expected_birth is not None
            self.parsed.gender = gender_for(value, unborn=unborn)
            # GenderCurrent is the schema of its years (2017-2024), not a breach; a number in Sex is (4180).
            child.sex = value if tag == "Sex" else GENDER_TO_SEX[SEX_TO_GENDER[value]]
            return

    def _episode(self, node: Node) -> cin.Episode:
        episode = cin.Episode(line=node.line)
        episode.referral = self.date(node, "CINreferralDate")
        episode.source = self.text(node, "ReferralSource", upper=True)
        episode.primary_need = self.text(node, "PrimaryNeedCode", upper=True)
        episode.closure = self.date(node, "CINclosureDate")
        episode.closure_reason = self.text(node, "ReasonForClosure", upper=True)
        episode.icpc = self.date(node, "DateOfInitialCPC")
        episode.nfa = self.boolean(node, "ReferralNFA")
        for item in node.findall("Assessments"):
            factors = item.find("FactorsIdentifiedAtAssessment")
            episode.assessments.append(
                cin.Assessment(
                    start=self.date(item, "AssessmentActualStartDate"),
                    internal_review=self.date(item, "AssessmentInternalReviewDate"),
                    authorised=self.date(item, "AssessmentAuthorisationDate"),
                    factors=self.codes(factors, "AssessmentFactors"),
                    line=item.line,
                )
            )
        for item in node.findall("CINPlanDates"):
            episode.plans.append(
                cin.PlanDates(
                    start=self.date(item, "CINPlanStartDate"),
                    end=self.date(item, "CINPlanEndDate"),
                    line=item.line,
                )
            )
        for item in node.findall("Section47"):
            episode.section47s.append(
                cin.Section47Enquiry(
                    start=self.date(item, "S47ActualStartDate"),
                    icpc_target=self.date(item, "InitialCPCtarget"),
                    icpc=self.date(item, "DateOfInitialCPC"),
                    icpc_not_required=self.boolean(item, "ICPCnotRequired"),
                    line=item.line,
                )
            )
        for item in node.findall("ChildProtectionPlans"):
            dates = []
            for block in item.findall("Reviews"):
                for review in block.findall("CPPreviewDate"):
                    if review.text.strip():
                        try:
                            dates.append(cin.parse_date(review.text))
                        except cin.ValueProblem as problem:
                            self.problem(
                                review, f"CPPreviewDate: {problem.message}", problem.fix, review.text
                            )
            episode.cp_plans.append(
                cin.ProtectionPlan(
                    start=self.date(item, "CPPstartDate"),
                    end=self.date(item, "CPPendDate"),
                    initial_category=self.text(item, "InitialCategoryOfAbuse", upper=True),
                    latest_category=self.text(item, "LatestCategoryOfAbuse", upper=True),
                    previous_plans=self._count(item, "NumberOfPreviousCPP"),
                    reviews=tuple(dates),
                    line=item.line,
                )
            )
        return episode

    def _count(self, parent: Node, tag: str) -> int | None:
        node = parent.find(tag)
        if node is None or not node.text.strip():
            return None
        value = node.text.strip()
        if not value.isdigit() or int(value) > MAX_PREVIOUS_CPP:
            self.problem(
                node,
                f"{tag} '{value[:20]}' is not a whole number from 0 to {MAX_PREVIOUS_CPP}",
                "Write the number of previous plans (0 if none).",
                value,
            )
            return None
        return int(value)


def read_child(node: Node) -> Parsed:
    """The census child in one <Child> element, with what (if anything) stops it being stored."""
    return _Reader(node).read(node)


# --- Storing a batch set-wise ------------------------------------------------------------------------


def _assessment_key(row: CinAssessment | cin.Assessment) -> tuple[Any, ...]:
    if isinstance(row, CinAssessment):
        return (row.start_date, row.internal_review_date, row.authorisation_date, tuple(row.factors))
    return (row.start, row.internal_review, row.authorised, row.factors)


def _plan_key(row: CinPlan | cin.PlanDates) -> tuple[Any, ...]:
    if isinstance(row, CinPlan):
        return (row.start_date, row.end_date)
    return (row.start, row.end)


def _s47_key(row: Section47 | cin.Section47Enquiry) -> tuple[Any, ...]:
    if isinstance(row, Section47):
        return (row.start_date, row.icpc_target, row.icpc_date, row.icpc_not_required)
    return (row.start, row.icpc_target, row.icpc, row.icpc_not_required)


def _cpp_key(row: CpPlan | cin.ProtectionPlan) -> tuple[Any, ...]:
    if isinstance(row, CpPlan):
        return (
            row.start_date,
            row.end_date,
            row.initial_category,
            row.latest_category,
            row.previous_plans,
            tuple(row.review_dates),
        )
    return (row.start, row.end, row.initial_category, row.latest_category, row.previous_plans, row.reviews)


def _as_at(name: str, row: Any, period: CollectionYear) -> tuple[Any, ...]:
    """A stored part as the census of `period` shows it (what happened after 31 March unknown)."""

    def known(value: date | None) -> date | None:
        return value if value is not None and value <= period.ends else None

    if name == "assessments":
        authorised = known(row.authorisation_date)
        factors = tuple(row.factors) if authorised is not None else ()
        return (row.start_date, known(row.internal_review_date), authorised, factors)
    if name == "plans":
        return (row.start_date, known(row.end_date))
    if name == "section47s":
        return (row.start_date, row.icpc_target, known(row.icpc_date), row.icpc_not_required)
    return (
        row.start_date,
        known(row.end_date),
        row.initial_category,
        row.latest_category,
        row.previous_plans,
        tuple(review for review in row.review_dates if review <= period.ends),
    )


def _later_facts(name: str, new: Any, held: Any, period: CollectionYear) -> Any:
    """Put back on a new part what its stored counterpart (same start) knows of the time after the census."""
    if held is None:
        return new
    for name_of_date in ("end_date", "authorisation_date", "internal_review_date", "icpc_date"):
        later = getattr(held, name_of_date, None)
        if later is not None and later > period.ends and getattr(new, name_of_date, None) is None:
            setattr(new, name_of_date, later)
            if name_of_date == "authorisation_date" and not new.factors:
                new.factors = list(held.factors)
    if name == "cp_plans":
        new.review_dates = sorted(set(new.review_dates) | {r for r in held.review_dates if r > period.ends})
    return new


def _episode_values(episode: cin.Episode) -> dict[str, Any]:
    return {
        "referral_source": episode.source,
        "primary_need": episode.primary_need,
        "closure_date": episode.closure,
        "closure_reason": episode.closure_reason,
        "referral_nfa": episode.nfa,
        "initial_cpc_date": episode.icpc,
    }


PART_TABLES: tuple[tuple[str, type[Any], Callable[[Any], tuple[Any, ...]]], ...] = (
    ("assessments", CinAssessment, _assessment_key),
    ("plans", CinPlan, _plan_key),
    ("section47s", Section47, _s47_key),
    ("cp_plans", CpPlan, _cpp_key),
)
PART_LABELS = {
    "assessments": "assessments",
    "plans": "CIN plans",
    "section47s": "section 47 enquiries",
    "cp_plans": "child protection plans",
}


def _new_part(name: str, la_id: int, episode_id: int, position: int, item: Any, actor_id: int | None) -> Any:
    common = {"la_id": la_id, "episode_id": episode_id, "position": position, "created_by_id": actor_id}
    if name == "assessments":
        return new(
            CinAssessment,
            **common,
            start_date=item.start,
            internal_review_date=item.internal_review,
            authorisation_date=item.authorised,
            factors=list(item.factors),
        )
    if name == "plans":
        return new(CinPlan, **common, start_date=item.start, end_date=item.end)
    if name == "section47s":
        return new(
            Section47,
            **common,
            start_date=item.start,
            icpc_target=item.icpc_target,
            icpc_date=item.icpc,
            icpc_not_required=item.icpc_not_required,
        )
    return new(
        CpPlan,
        **common,
        start_date=item.start,
        end_date=item.end,
        initial_category=item.initial_category,
        latest_category=item.latest_category,
        previous_plans=item.previous_plans,
        review_dates=list(item.reviews),
    )


def _after(value: date | None, period: CollectionYear) -> bool:
    return value is not None and value > period.ends


def _identity(parsed: Parsed) -> Identity:
    """Who the child is, as the census states it (casework.returns.children)."""
    child = parsed.child
    values: dict[str, Any] = {
        "upn": child.upn or None,
        "former_upn": child.former_upn or None,
        "date_of_birth": child.birth,
        "expected_date_of_birth": child.expected_birth,
        "gender": parsed.gender,
        "ethnicity": child.ethnicity or None,
        "disabilities": parsed.disabilities,
        "date_of_death": child.death,
    }
    return Identity(
        child.la_child_id,
        f"line {child.line}, <Child>",
        child=values,
        details={"upn_unknown": child.upn_unknown or None},
    )


@dataclass
class _Held:
    """The batch's children's stored episodes (by child and referral date) and their parts (by episode)."""

    episodes: dict[int, dict[date, CinEpisode]]
    parts: dict[str, dict[int, list[Any]]]

    @classmethod
    def load(cls, child_ids: list[int]) -> _Held:
        episodes: dict[int, dict[date, CinEpisode]] = defaultdict(dict)
        for found in CinEpisode.objects.filter(child_id__any_of=child_ids):
            episodes[found.child_id][found.referral_date] = found
        matched_ids = [row.pk for rows in episodes.values() for row in rows.values()]
        parts: dict[str, dict[int, list[Any]]] = {}
        for name, model, _key in PART_TABLES:
            grouped: dict[int, list[Any]] = defaultdict(list)
            if matched_ids:
                for part in model.objects.filter(episode_id__any_of=matched_ids).order_by(
                    "episode_id", "position", "id"
                ):
                    grouped[part.episode_id].append(part)
            parts[name] = grouped
        return cls(episodes, parts)


class _BatchStore:
    """One batch's census children against what is stored: the differences as Writes, and what each
    child's outcome is. Removals, then updates, then inserts (bulk.Writes)."""

    def __init__(
        self, la_id: int, actor_id: int | None, year: CollectionYear, log: ImportLog, held: _Held
    ) -> None:
        self.la_id = la_id
        self.actor_id = actor_id
        self.year = year
        self.log = log
        self.held = held
        self.writes = Writes(actor_id, order=[CinEpisode, *(model for _name, model, _key in PART_TABLES)])
        self.new_episodes: list[tuple[cin.Episode, CinEpisode]] = []
        self.counts: Counter[str] = Counter()

    def child(self, child: cin.CinChild, result: Upserted) -> None:
        notes = [describe_changes(result.changed)] if result.changed else []
        rows = self.held.episodes.get(result.child_id, {})
        notes += self._removed_episodes(child, rows)
        for episode in child.episodes:
            assert episode.referral is not None  # noqa: S101 - read_child drops episodes without one
            row = rows.get(episode.referral)
            if row is None:
                self.new_episodes.append((episode, self._new_episode(episode, result.child_id)))
                if not result.created:
                    notes.append(f"episode referred {episode.referral.isoformat()} added")
            else:
                notes += self._changed_episode(episode, row)
        if result.created:
            self.log.outcome(child.la_child_id, "created", result.child_id)
        elif notes:
            self.log.outcome(child.la_child_id, "updated", result.child_id, "; ".join(notes))
        else:
            self.log.outcome(child.la_child_id, "unchanged", result.child_id)

    def _removed_episodes(self, child: cin.CinChild, rows: dict[date, CinEpisode]) -> list[str]:
        """The child's stored episodes in the census year that the census no longer has: removed."""
        notes = []
        in_file = {episode.referral for episode in child.episodes}
        for referral, old in rows.items():
            if referral not in in_file and self.year.overlaps(old.referral_date, old.closure_date):
                self.writes.remove(CinEpisode, [old.pk])
                self.counts["episodes removed"] += 1
                notes.append(f"episode referred {referral.isoformat()} removed (not in the census)")
                self.log.note(
                    f"line {child.line}, <Child>",
                    f"The episode referred on {referral.isoformat()} is not in this census, which covers "
                    f"{self.year.label}: it was removed",
                    la_child_id=child.la_child_id,
                )
        return notes

    def _new_episode(self, episode: cin.Episode, child_id: int) -> CinEpisode:
        assert episode.referral is not None  # noqa: S101 - read_child drops episodes without one
        return new(
            CinEpisode,
            la_id=self.la_id,
            child_id=child_id,
            referral_date=episode.referral,
            created_by_id=self.actor_id,
            **_episode_values(episode),
        )

    def _changed_episode(self, episode: cin.Episode, row: CinEpisode) -> list[str]:
        notes = []
        values = _episode_values(episode)
        if values["closure_date"] is None and _after(row.closure_date, self.year):
            # The census is as at 31 March: it cannot know of a closure after it.
            values["closure_date"], values["closure_reason"] = row.closure_date, row.closure_reason
        if values["initial_cpc_date"] is None and _after(row.initial_cpc_date, self.year):
            values["initial_cpc_date"] = row.initial_cpc_date
        if self.writes.change(row, values):
            self.counts["episodes updated"] += 1
            notes.append(f"episode referred {episode.referral} changed")
        for name, model, key in PART_TABLES:
            # The census speaks for the parts that belong in its year; the others (finished before it,
            # begun after it) are kept as they are.
            held = [item for item in self.held.parts[name].get(row.pk, []) if in_year(name, item, self.year)]
            new = getattr(episode, name)
            if [_as_at(name, item, self.year) for item in held] == [key(item) for item in new]:
                continue
            self.writes.remove(model, [item.pk for item in held])
            by_start = {item.start_date: item for item in held}
            for position, item in enumerate(new):
                part = _new_part(name, self.la_id, row.pk, position, item, self.actor_id)
                self.writes.insert(_later_facts(name, part, by_start.get(item.start), self.year))
            self.counts[f"{PART_LABELS[name]} replaced"] += len(new)
            notes.append(f"{PART_LABELS[name]} of the episode referred {episode.referral} changed")
        return notes

    def write(self) -> None:
        """The new episodes get their ids first, so their parts can refer to them; then every write."""
        assign_ids([row for _episode, row in self.new_episodes])
        for _episode, row in self.new_episodes:
            self.writes.insert(row)
        for episode, row in self.new_episodes:
            for name, _model, _key in PART_TABLES:
                items = getattr(episode, name)
                for position, item in enumerate(items):
                    self.writes.insert(_new_part(name, self.la_id, row.pk, position, item, self.actor_id))
                self.counts[f"{PART_LABELS[name]} created"] += len(items)
        self.counts["episodes created"] += len(self.new_episodes)
        self.writes.apply()
        self.log.counts.update(self.counts)


class _Importer:
    def __init__(
        self,
        *,
        la: LocalAuthority,
        path: Path,
        log: ImportLog,
        progress: Progress,
        actor_id: int | None,
        expected_year: int | None,
        today: date,
    ) -> None:
        self.la = la
        self.path = path
        self.log = log
        self.progress = progress
        self.actor_id = actor_id
        self.expected_year = expected_year
        self.today = today
        self.year: CollectionYear | None = None
        self.seen: set[str] = set()
        self.batch: list[Parsed] = []
        self.children = 0

    # Header: CollectionDetails (Collection, Year, ReferenceDate) and Source (LEA) - RETURNS.md.
    def header(self, node: Node) -> None:
        details = node.find("CollectionDetails")
        source = node.find("Source")

        def value(parent: Node | None, tag: str) -> tuple[str, str]:
            found = parent.find(tag) if parent is not None else None
            where = f"line {found.line if found is not None else node.line}, <{tag}>"
            return (found.text.strip() if found is not None else ""), where

        collection, where = value(details, "Collection")
        if collection.upper() != "CIN":
            raise FileRefused(
                f"This is not a CIN census: Collection is '{collection[:20]}', not 'CIN'",
                location=where,
                fix="Choose the CIN census file (an SSDA903 return is imported with import-903).",
            )
        year_text, where = value(details, "Year")
        latest = self.today.year + 1
        if not year_text.isdigit() or not FIRST_SUPPORTED_IMPORT_YEAR <= int(year_text) <= latest:
            raise FileRefused(
                f"The census year '{year_text[:20]}' is not a year from "
                f"{FIRST_SUPPORTED_IMPORT_YEAR} to {latest}",
                location=where,
                fix="Give the year the collection ends (2026 for the census of April 2025 to March 2026).",
            )
        year = int(year_text)
        if self.expected_year is not None and year != self.expected_year:
            raise FileRefused(
                f"This is the census for {CollectionYear(year).label} (Year {year}), not for "
                f"{CollectionYear(self.expected_year).label} as chosen",
                location=where,
                fix=f"Choose the {CollectionYear(self.expected_year).label} census file, or import this one "
                f"as the {year} census.",
            )
        lea, where = value(source, "LEA")
        if lea != self.la.lea_code:
            raise FileRefused(
                f"This census is from LA number '{lea[:10]}', not {self.la.name} ({self.la.lea_code})"
                if lea
                else "The census header gives no LA number (Source/LEA)",
                location=where,
                fix=f"Import only {self.la.name}'s own census (LEA {self.la.lea_code}).",
            )
        self.year = CollectionYear(year)
        self.log.collection_year = year
        reference, where = value(details, "ReferenceDate")
        if reference != self.year.ends.isoformat():  # rule 100
            self.log.breach(
                where,
                f"ReferenceDate '{reference[:20]}' is not 31 March {year}, the end of the census year",
                rule="100",
                field="ReferenceDate",
                value=reference,
                fix=f"The reference date of the {year} census is {self.year.ends.isoformat()}.",
            )

    def child(self, node: Node) -> None:
        if self.year is None:
            raise FileRefused(
                "The file has no <Header> before its children",
                location=f"line {node.line}",
                fix="A census starts with a Header giving the collection, year and LA; " + FIX_REEXPORT,
            )
        self.children += 1
        parsed = read_child(node)
        child = parsed.child
        cid = child.la_child_id
        if not cid:
            parsed.problems.insert(
                0,
                (
                    node.line,
                    "LAchildID",
                    "",
                    "The child has no LAchildID",
                    "Give every child the LA's child ID.",
                ),
            )
            cid = f"(no LAchildID, line {node.line})"
        elif cid in self.seen:
            parsed.problems.insert(
                0,
                (
                    node.line,
                    "LAchildID",
                    cid,
                    f"LAchildID {cid} appears more than once in the file (this is the second)",
                    "Give each child only once.",
                ),
            )
        self.seen.add(cid)
        if parsed.problems:
            for line, name, value, message, fix in parsed.problems:
                self.log.reject(
                    f"line {line}, <{name}>", message, fix=fix, la_child_id=cid, field=name, value=value
                )
            self.log.outcome(cid, "rejected", detail=parsed.problems[0][3])
            return
        for breach in cin.breaches(child, self.year.year):
            self.log.breach(
                f"line {breach.line}, <{breach.field}>",
                breach.message,
                fix=breach.fix,
                la_child_id=cid,
                field=breach.field,
                value=breach.value,
                rule=breach.rule,
            )
        self.batch.append(parsed)
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.store(self.batch)
            self.batch = []

    def store(self, batch: list[Parsed]) -> None:
        """Store a batch set-wise: the children, then each child's episodes and their parts."""
        assert self.year is not None  # noqa: S101 - set by header()
        upserted = upsert_children(
            self.la.pk, [_identity(parsed) for parsed in batch], self.log, actor_id=self.actor_id
        )
        stored = [parsed for parsed in batch if parsed.child.la_child_id in upserted]
        held = _Held.load([upserted[parsed.child.la_child_id].child_id for parsed in stored])
        batch_store = _BatchStore(self.la.pk, self.actor_id, self.year, self.log, held)
        for parsed in stored:
            batch_store.child(parsed.child, upserted[parsed.child.la_child_id])
        batch_store.write()

    def finish(self) -> None:
        self.flush()
        if self.year is None:
            raise FileRefused("The file has no census <Header>", location="file", fix=FIX_REEXPORT)
        if self.children == 0:
            raise FileRefused(
                "The census holds no children (no <Child> in <Children>)", location="file", fix=FIX_REEXPORT
            )


def import_cin(
    *,
    la: LocalAuthority,
    path: Path | str,
    actor: User | None = None,
    mode: str = ImportRun.Mode.ALL_OR_NOTHING,
    expected_year: int | None = None,
    today: date,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import a CIN census file for `la`: one transaction; the run records what was done and found."""
    path = Path(path)
    size = path.stat().st_size if path.is_file() else 0
    if run is None:
        run = ImportRun.objects.create(
            la=la,
            kind=ReturnKind.CIN,
            file_name=path.name,
            file_size=size,
            mode=mode,
            created_by=actor,
            collection_year=expected_year,
        )
    actor_id = actor.pk if actor is not None else None

    def body(log: ImportLog, progress: Progress) -> None:
        if not path.is_file():
            raise FileRefused(
                "The file cannot be found", location=str(path)[:150], fix="Check the file name."
            )
        if size == 0:
            raise FileRefused("The file is empty", location="file", fix=FIX_REEXPORT)
        if size > MAX_FILE_BYTES:
            raise FileRefused(
                f"The file is {size / 1024**3:.1f} GB; a CIN census is at most "
                f"{MAX_FILE_BYTES // 1024**2:,} MB",
                location="file",
                fix="Check that this is the CIN census XML (not an archive or database dump); "
                + FIX_REEXPORT,
            )
        importer = _Importer(
            la=la,
            path=path,
            log=log,
            progress=progress,
            actor_id=actor_id,
            expected_year=expected_year,
            today=today,
        )
        stream(path, _Target(importer.header, importer.child), lambda read: progress(read))
        importer.finish()
        progress(size, force=True)

    execute(run, body, actor_id=actor_id, today=today)
    run.refresh_from_db()
    return run
