"""The conditions a record's repair puts on the rest of its subject's record and on what
the record itself says, each a small named rule that answers "broken? why?" from a rule
version's data:

- ``not_listed_now``: a penalty is repaired only while the subject is on none of the lists
  named (the abnormal lists, the serious list);
- ``no_same_kind_penalty_since``: nor after a later penalty of the same kind (same record
  type and penalty domain; a penalty withdrawn on review does not count);
- ``no_new_listing_since``: a serious-list entry only if no serious-list entry came after it
  (in any state: it was a listing);
- ``obligations_fulfilled``: the fine paid and the other obligations fulfilled, as the
  registry's ``obligations_fulfilled_on`` says; where it is not known, ``proof_when_unknown``
  lets the applicant apply with the proof of fulfilment among the materials, ``required``
  refuses until the registry knows.

The subject's records are disclosure's registry records
(``credit_common.contracts.registry``), the applied-for record among them. Plain Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from credit_common.contracts.registry import RegistryRecord
from credit_common.contracts.vocabulary import (RECORD_TYPE_LABELS, PenaltyDomain,
                                                PublicityState, RecordType)

PROOF_WHEN_UNKNOWN = "proof_when_unknown"
REQUIRED = "required"
#: obligations_fulfilled: what the rule data may say
OBLIGATION_MODES = (PROOF_WHEN_UNKNOWN, REQUIRED)


@dataclass(frozen=True)
class Breach:
    reason_code: str
    reason: str


Records = list[RegistryRecord]


def _others(record: RegistryRecord, subject_records: Records) -> Records:
    return [r for r in subject_records if r.id != record.id]


class NotListedNow:
    key = "not_listed_now"

    def broken(self, record: RegistryRecord, subject_records: Records,
               setting: Any) -> Breach | None:
        lists = set(setting or [])
        listed = [r for r in _others(record, subject_records)
                  if r.record_type in lists and r.publicity_state == PublicityState.active]
        if not listed:
            return None
        names = "、".join(dict.fromkeys(RECORD_TYPE_LABELS.get(r.record_type, r.record_type)
                                        for r in listed))
        return Breach("LISTED_NOW", f"该市场主体目前被列入{names}，须先移出（恢复正常记载状态）"
                                    "后方可申请行政处罚信息信用修复")


def _domain(record: RegistryRecord) -> str:
    return record.penalty_domain or PenaltyDomain.other


class _NothingSince:
    """Switched on by ``true`` in the rule data: broken by the earliest of the subject's other
    records that ``counts`` against the record and that ``date_of`` puts after it."""

    key: str
    date_of: Callable[[RegistryRecord], date | None]

    def counts(self, other: RegistryRecord, record: RegistryRecord) -> bool:
        raise NotImplementedError

    def breach(self, first: RegistryRecord) -> Breach:
        raise NotImplementedError

    def broken(self, record: RegistryRecord, subject_records: Records,
               setting: Any) -> Breach | None:
        since = self.date_of(record) if setting else None
        if since is None:
            return None
        later = [r for r in _others(record, subject_records)
                 if self.counts(r, record) and (self.date_of(r) or date.min) > since]
        return self.breach(min(later, key=self.date_of)) if later else None


class NoSameKindPenaltySince(_NothingSince):
    key = "no_same_kind_penalty_since"
    date_of = attrgetter("decision_date")

    def counts(self, other: RegistryRecord, record: RegistryRecord) -> bool:
        # a penalty withdrawn on review is no longer a penalty
        return (other.record_type == record.record_type and _domain(other) == _domain(record)
                and other.publicity_state != PublicityState.removed)

    def breach(self, first: RegistryRecord) -> Breach:
        return Breach("SAME_KIND_PENALTY_SINCE",
                      f"该处罚之后又受到同一类别的行政处罚（{first.decision_number or ''}，"
                      f"{first.decision_date:%Y年%m月%d日}作出），不予信用修复")


class NoNewListingSince(_NothingSince):
    key = "no_new_listing_since"
    date_of = attrgetter("listing_date")

    def counts(self, other: RegistryRecord, record: RegistryRecord) -> bool:
        return other.record_type == RecordType.serious_illegal_list

    def breach(self, first: RegistryRecord) -> Breach:
        return Breach("LISTED_AGAIN_SINCE",
                      f"该记录列入之后又于{first.listing_date:%Y年%m月%d日}"
                      "被列入严重违法失信名单，不予信用修复")


class ObligationsFulfilled:
    key = "obligations_fulfilled"

    def broken(self, record: RegistryRecord, subject_records: Records,
               setting: Any) -> Breach | None:
        if setting != REQUIRED or record.obligations_fulfilled_on:
            return None
        return Breach("OBLIGATIONS_NOT_FULFILLED",
                      "登记信息中尚无罚款缴纳等义务已履行的记录，履行后方可申请")


RULES = (NotListedNow(), NoSameKindPenaltySince(), NoNewListingSince(), ObligationsFulfilled())
#: the conditions on the subject's other records: they can change between submission and
#: decision, so the decision checks them again
ON_OTHER_RECORDS = (NotListedNow.key, NoSameKindPenaltySince.key, NoNewListingSince.key)
#: the conditions on what the record itself says
ON_RECORD_ITSELF = (ObligationsFulfilled.key,)


def first_breach(record: RegistryRecord, subject_records: Records, rule: dict,
                 only: tuple[str, ...] | None = None) -> Breach | None:
    """The first condition of ``rule`` (one record type's rule data) the record breaks."""
    for condition in RULES:
        if only is not None and condition.key not in only:
            continue
        if condition.key in rule:
            breach = condition.broken(record, subject_records, rule[condition.key])
            if breach is not None:
                return breach
    return None


def proof_of_fulfilment_asked(record: RegistryRecord, rule: dict) -> bool:
    """Whether the answer must tell the applicant to prove the obligations fulfilled."""
    return rule.get(ObligationsFulfilled.key) == PROOF_WHEN_UNKNOWN and \
        not record.obligations_fulfilled_on
