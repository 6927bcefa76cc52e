"""Codes every service and client shares (DOMAIN.md's English names) with their Chinese labels.

The codes and labels are data, in ``vocabulary.toml`` beside this module; each of its tables
is one enum here, whose members' values are the codes on the wire.
"""

import tomllib
from enum import StrEnum
from importlib import resources


class Vocabulary(StrEnum):
    """A code whose value is its name and whose ``label`` is what a person reads."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


_TABLES = tomllib.loads(
    resources.files(__package__).joinpath("vocabulary.toml").read_text(encoding="utf-8"))


def _vocabulary(name: str, doc: str | None = None) -> type[Vocabulary]:
    vocabulary = Vocabulary(name, [(code, (code, label)) for code, label in _TABLES[name].items()],
                            module=__name__, qualname=name)
    vocabulary.__doc__ = doc
    return vocabulary


def labels(vocabulary: type[Vocabulary]) -> dict[Vocabulary, str]:
    """code → Chinese label, for the callers that look labels up by a plain string."""
    return {member: member.label for member in vocabulary}


def every_label() -> dict[str, dict[str, str]]:
    """Every vocabulary by its name, code → label in the members' order: what the pages read
    their labels from (web/shared/src/api/vocabulary.json)."""
    return {name: dict(table) for name, table in _TABLES.items()}


RecordType = _vocabulary("RecordType")
ApplicationStatus = _vocabulary(
    "ApplicationStatus",
    "What the applicant sees of an application (DOMAIN.md's applicant-facing states).")
CaseStatus = _vocabulary("CaseStatus", "Where a case stands on the officer side.")
OfficerRole = _vocabulary("OfficerRole")
SubjectKind = _vocabulary("SubjectKind")
RegistrationStatus = _vocabulary("RegistrationStatus")
ListingReason = _vocabulary("ListingReason")
PenaltyDomain = _vocabulary("PenaltyDomain")
PenaltyKind = _vocabulary("PenaltyKind")
PublicityState = _vocabulary("PublicityState")
WithdrawalRulingKind = _vocabulary(
    "WithdrawalRulingKind",
    "Why our own penalty decision no longer stands (DOMAIN.md: withdrawn, not repaired).")
CourtRulingKind = _vocabulary(
    "CourtRulingKind",
    "The court's rulings in a bankruptcy reorganisation (《企业破产法》第七十一、八十六至八十八条).")
TemporaryRepairState = _vocabulary("TemporaryRepairState")
DocumentType = _vocabulary("DocumentType")
MaterialKind = _vocabulary(
    "MaterialKind", "The kinds of material an application carries (intake judges uploads by them).")

RECORD_TYPE_LABELS = labels(RecordType)
APPLICATION_STATUS_LABELS = labels(ApplicationStatus)
CASE_STATUS_LABELS = labels(CaseStatus)
OFFICER_ROLE_LABELS = labels(OfficerRole)
SUBJECT_KIND_LABELS = labels(SubjectKind)
REGISTRATION_STATUS_LABELS = labels(RegistrationStatus)
LISTING_REASON_LABELS = labels(ListingReason)
PENALTY_DOMAIN_LABELS = labels(PenaltyDomain)
PENALTY_KIND_LABELS = labels(PenaltyKind)
PUBLICITY_STATE_LABELS = labels(PublicityState)
WITHDRAWAL_RULING_KIND_LABELS = labels(WithdrawalRulingKind)
COURT_RULING_KIND_LABELS = labels(CourtRulingKind)
TEMPORARY_REPAIR_STATE_LABELS = labels(TemporaryRepairState)
DOCUMENT_TYPE_LABELS = labels(DocumentType)

#: an application type beside the six record types: during a bankruptcy reorganisation, the
#: temporary repair of every eligible record of one subject (an application's and a case's
#: ``record_type`` field carries it; no record is of this type)
BANKRUPTCY_REORGANISATION = "bankruptcy_reorganisation"

APPLICATION_TYPE_LABELS = {**RECORD_TYPE_LABELS,
                           BANKRUPTCY_REORGANISATION: "破产重整期间临时信用修复"}

#: the statuses in which the applicant may still change (and submit) the application
EDITABLE_STATUSES = frozenset({ApplicationStatus.draft, ApplicationStatus.returned})


class CaseAction(StrEnum):
    """What an officer may do to a case (DOMAIN.md's officer flow)."""

    accept = "accept"
    not_accept = "not_accept"
    return_ = "return"
    transfer = "transfer"
    verify = "verify"
    review = "review"
    first_review = "first_review"
    second_review = "second_review"
    approve = "approve"
    reject = "reject"
    close = "close"
    revoke = "revoke"
