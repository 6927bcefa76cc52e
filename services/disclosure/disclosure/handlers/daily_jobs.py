"""The daily jobs: listings and publicity that end by their terms, once a day however many
instances run them."""

from __future__ import annotations

from datetime import date

from credit_common.clock import now
from credit_common.contracts.vocabulary import PublicityState, RecordType

from disclosure.adapters.unit_of_work import DisclosureUnitOfWork
from disclosure.domain import expiry
from disclosure.domain.model import CauseKind, Record
from disclosure.domain.rules import earliest_listing_date_due, penalty_candidates


def _listings_due(record_type: RecordType, years_of, judge, today: date,
                  uow: DisclosureUnitOfWork, batch: int):
    """The active listings of ``record_type`` whose term (``years_of``) has run, each with the
    note ``judge`` gives it by the version in force on its listing day."""
    versions = uow.terms.all()
    cutoff = earliest_listing_date_due(today, versions, years_of)
    for record in uow.records.active_listed_before(record_type, cutoff, batch):
        note = judge(record, today, versions)
        if note is not None:
            yield record, note


def expire_serious_listings(today: date, uow: DisclosureUnitOfWork, batch: int = 500) -> int:
    """Serious-list entries leave the list when their term ends (SAMR order 44 art. 21)."""
    changed = 0
    for record, note in _listings_due(RecordType.serious_illegal_list, expiry.serious_term_years,
                                      expiry.serious_listing_ended, today, uow, batch):
        _expire(record, f"expire_serious_listings:{today}", uow, note)
        changed += 1
    return changed


def escalate_abnormal_listings(today: date, uow: DisclosureUnitOfWork, batch: int = 500) -> int:
    """Abnormal-list entries unresolved for the term move to the serious list."""
    changed = 0
    run_ref = f"escalate_abnormal_listings:{today}"
    for record, note in _listings_due(RecordType.abnormal_operation_list,
                                      expiry.abnormal_escalation_years,
                                      expiry.abnormal_listing_escalates, today, uow, batch):
        _expire(record, run_ref, uow, note)
        serious = expiry.escalated_to_serious(record, today)
        serious.created(CauseKind.job, run_ref, now())
        uow.records.add(serious)
        changed += 1
    return changed


def end_penalty_publicity(today: date, uow: DisclosureUnitOfWork, batch: int = 500) -> int:
    """A penalty is publicised through the last day of its term and ends the day after
    (``expiry.penalty_publicity_ended``), by the version in force on the decision day."""
    changed = 0
    versions = uow.terms.all()
    for record in uow.records.active_penalties_ending_by(penalty_candidates(today, versions),
                                                         batch):
        note = expiry.penalty_publicity_ended(record, today, versions)
        if note is None:
            continue
        _expire(record, f"end_penalty_publicity:{today}", uow, note)
        changed += 1
    return changed


def _expire(record: Record, run_ref: str, uow: DisclosureUnitOfWork, note: str) -> None:
    version = record.version
    record.change_state(PublicityState.expired, CauseKind.job, run_ref, now(), note)
    uow.records.save(record, version)


JOBS = {
    "expire_serious_listings": expire_serious_listings,
    "escalate_abnormal_listings": escalate_abnormal_listings,
    "end_penalty_publicity": end_penalty_publicity,
}


def run_daily_jobs(today: date, uow: DisclosureUnitOfWork) -> dict[str, int | None]:
    """Each job once per day however many instances call this: the first to insert the
    day's ``job_runs`` row does it; the others find the row and skip."""
    results: dict[str, int | None] = {}
    for name, job in JOBS.items():
        if not uow.start_job_run(name, today.isoformat()):
            results[name] = None
            continue
        affected = job(today, uow)
        uow.finish_job_run(name, today.isoformat(), affected)
        results[name] = affected
    return results
