"""Code lists shared by the record and the DfE returns.

Source: CIN census schema 2024 (CIN_schema_2024.xsd) and the SSDA903 code lists (liia-tools
SSDA903_schema_2020.yml), as collected in shared/DOMAIN.md §4. Each tuple is (code, description).
"""

from __future__ import annotations

# CIN census GenderCurrent.
GENDER = (
    ("1", "Male"),
    ("2", "Female"),
    ("9", "Indeterminate"),
    ("0", "Not recorded or unborn"),
)

# DfE ethnicity codes used by both returns.
ETHNICITY = (
    ("WBRI", "White British"),
    ("WIRI", "White Irish"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WOTH", "Any other White background"),
    ("WROM", "Gypsy/Roma"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Black Caribbean"),
    ("BAFR", "Black African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
)

# CIN census Disability.
DISABILITY = (
    ("MOB", "Mobility"),
    ("HAND", "Hand function"),
    ("PC", "Personal care"),
    ("INC", "Incontinence"),
    ("COMM", "Communication"),
    ("LD", "Learning"),
    ("HEAR", "Hearing"),
    ("VIS", "Vision"),
    ("BEH", "Behaviour"),
    ("CON", "Consciousness"),
    ("AUT", "Autism or Asperger syndrome"),
    ("DDA", "Other disability under the Equality Act"),
)

# CIN census category of abuse for a child protection plan.
CP_CATEGORY = (
    ("NEG", "Neglect"),
    ("PHY", "Physical abuse"),
    ("SAB", "Sexual abuse"),
    ("EMO", "Emotional abuse"),
    ("MUL", "Multiple categories"),
)

# SSDA903 LS: legal status of a looked-after child.
LAC_LEGAL_STATUS = (
    ("C1", "Interim care order"),
    ("C2", "Full care order"),
    ("D1", "Freeing order"),
    ("E1", "Placement order"),
    ("V2", "Single period of accommodation under section 20"),
    ("V3", "Accommodated under an agreed series of short-term breaks (episodes)"),
    ("V4", "Accommodated under an agreed series of short-term breaks (agreements)"),
    ("L1", "Under police protection"),
    ("L2", "Emergency protection order"),
    ("L3", "Child assessment order"),
    ("J1", "Remanded to local authority accommodation or youth detention"),
    ("J2", "Placed in local authority accommodation under PACE"),
    ("J3", "Youth rehabilitation order with residence or fostering requirement"),
)

# SSDA903 PLACE: placement type.
PLACEMENT_TYPE = (
    ("A3", "Placed for adoption with parental consent with current foster carer"),
    ("A4", "Placed for adoption with parental consent not with current foster carer"),
    ("A5", "Placed for adoption with placement order with current foster carer"),
    ("A6", "Placed for adoption with placement order not with current foster carer"),
    ("H5", "Semi-independent living accommodation not subject to children's homes regulations"),
    ("K1", "Secure children's home"),
    ("K2", "Children's home"),
    ("K3", "Registered supported accommodation"),
    ("P1", "Placed with own parent(s) or other person(s) with parental responsibility"),
    ("P2", "Independent living, e.g. flat or lodgings"),
    ("P3", "Residential employment"),
    ("R1", "Residential care home"),
    ("R2", "NHS or health trust establishment"),
    ("R3", "Family centre or mother and baby unit"),
    ("R5", "Young offender institution or prison"),
    ("S1", "Residential school"),
    ("T0", "Temporary placement: all"),
    ("U1", "Foster placement with relative or friend: long term fostering"),
    ("U2", "Foster placement with relative or friend who is also an approved adopter (FFA)"),
    ("U3", "Foster placement with relative or friend: not long term or FFA"),
    ("U4", "Foster placement with other foster carer: long term fostering"),
    ("U5", "Foster placement with other foster carer who is also an approved adopter (FFA)"),
    ("U6", "Foster placement with other foster carer: not long term or FFA"),
    ("Z1", "Other placement"),
)

# SSDA903 PLACE_PROVIDER.
PLACEMENT_PROVIDER = (
    ("PR0", "Parent(s) or other person(s) with parental responsibility"),
    ("PR1", "Own provision (by the local authority)"),
    ("PR2", "Other local authority provision"),
    ("PR3", "Other public provision (e.g. by a primary care trust)"),
    ("PR4", "Private provision"),
    ("PR5", "Voluntary or third sector provision"),
)


def labels(codes: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return dict(codes)
