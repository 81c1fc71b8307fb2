"""The columns of the return records, written once: which model field holds which DfE item.

The importers, the exporters and whatever else loads return records (the demo authority's loader) read
these lists rather than keeping copies. Field names are casework.returns.models / casework.children.models
fields; SSDA903 column names are the DfE's (domain.census.ssda903 tables).
"""

from __future__ import annotations

# casework.children.models.Child fields a return states (CIN census ChildIdentifiers and
# ChildCharacteristics; SSDA903 Header); a return leaves any other field of the child alone.
RETURN_CHILD_FIELDS = (
    "upn",
    "former_upn",
    "date_of_birth",
    "expected_date_of_birth",
    "gender",
    "ethnicity",
    "disabilities",
    "date_of_death",
)
# ChildReturnDetails: what the returns say of a child that the register does not hold.
DETAIL_FIELDS = ("upn_unknown", "mother", "mother_child_dob", "uasc", "uasc_ceased")

# CIN census: CinEpisode (CINdetails) fields other than the child and the referral date that keys it.
CIN_EPISODE_FIELDS = (
    "referral_source",
    "primary_need",
    "closure_date",
    "closure_reason",
    "referral_nfa",
    "initial_cpc_date",
)
# The parts of an episode, by CinEpisodePart model: fields other than the episode and its position.
CIN_PART_FIELDS: dict[str, tuple[str, ...]] = {
    "assessments": ("start_date", "internal_review_date", "authorisation_date", "factors"),
    "plans": ("start_date", "end_date"),
    "section47s": ("start_date", "icpc_target", "icpc_date", "icpc_not_required"),
    "cp_plans": (
        "start_date",
        "end_date",
        "initial_category",
        "latest_category",
        "previous_plans",
        "review_dates",
    ),
}

# SSDA903: each table stored one model row per CSV row, as (column, model field) in column order, CHILD and
# DOB excluded (the child's). OC2, OC3 and PrevPerm rows also carry the collection year.
LAC_TABLE_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "Episodes": (
        ("DECOM", "decom"),
        ("RNE", "rne"),
        ("LS", "legal_status"),
        ("CIN", "cin"),
        ("PLACE", "place"),
        ("PLACE_PROVIDER", "place_provider"),
        ("DEC", "dec"),
        ("REC", "rec"),
        ("REASON_PLACE_CHANGE", "reason_place_change"),
        ("HOME_POST", "home_post"),
        ("PL_POST", "pl_post"),
        ("URN", "urn"),
    ),
    "Reviews": (("REVIEW", "review"), ("REVIEW_CODE", "review_code")),
    "OC2": (
        ("SDQ_SCORE", "sdq_score"),
        ("SDQ_REASON", "sdq_reason"),
        ("CONVICTED", "convicted"),
        ("HEALTH_CHECK", "health_check"),
        ("IMMUNISATIONS", "immunisations"),
        ("TEETH_CHECK", "teeth_check"),
        ("HEALTH_ASSESSMENT", "health_assessment"),
        ("SUBSTANCE_MISUSE", "substance_misuse"),
        ("INTERVENTION_RECEIVED", "intervention_received"),
        ("INTERVENTION_OFFERED", "intervention_offered"),
    ),
    "OC3": (("IN_TOUCH", "in_touch"), ("ACTIV", "activ"), ("ACCOM", "accom")),
    "AD1": (
        ("DATE_INT", "date_int"),
        ("DATE_MATCH", "date_match"),
        ("FOSTER_CARE", "foster_care"),
        ("NB_ADOPTR", "nb_adoptr"),
        ("SEX_ADOPTR", "sex_adoptr"),
        ("LS_ADOPTR", "ls_adoptr"),
    ),
    "PlacedAdoption": (
        ("DATE_PLACED", "date_placed"),
        ("DATE_PLACED_CEASED", "date_placed_ceased"),
        ("REASON_PLACED_CEASED", "reason_placed_ceased"),
    ),
    "PrevPerm": (("PREV_PERM", "prev_perm"), ("LA_PERM", "la_perm"), ("DATE_PERM", "date_perm")),
    "Missing": (("MISSING", "missing"), ("MIS_START", "start_date"), ("MIS_END", "end_date")),
    "SWEpisodes": (
        ("SW_ID", "sw_id"),
        ("SW_DECOM", "start_date"),
        ("SW_DEC", "end_date"),
        ("SW_REASON", "reason"),
    ),
    "DoLo": (("DOLO_START", "start_date"), ("DOLO_END", "end_date")),
}


def lac_fields(table: str) -> tuple[str, ...]:
    """The model fields of an SSDA903 table, in column order."""
    return tuple(name for _column, name in LAC_TABLE_FIELDS[table])
