"""What workflow answers over RPC: plain JSON only."""

from __future__ import annotations

from credit_common.contracts.vocabulary import (APPLICATION_TYPE_LABELS, CASE_STATUS_LABELS,
                                                LISTING_REASON_LABELS,
                                                RECORD_TYPE_LABELS)
from credit_common.reference.organisation import unit

from workflow.domain.documents import TITLES
from workflow.domain.listing_removals import (REMOVAL_LABELS, STATUS_LABELS, ListingRemoval,
                                              RemovalStatus)
from workflow.domain.model import (ACTIONS, NOT_OVERDUE_STATUSES, RUNNING_STATUSES, Case,
                                   Officer)
from workflow.domain.pauses import local_day

def _iso(value):
    return value.isoformat() if value is not None else None


def _unit_name(code):
    found = unit(code) if code else None
    return found.name if found else None


def case_view(case: Case | dict, today=None, soon=None, days=None) -> dict:
    """``soon``: the last day a running case counts as 即将超期 (without it, never); ``days``:
    the working calendar, to count a running pause up to ``today`` (without it, the ended
    pauses only)."""
    get = case.get if isinstance(case, dict) else lambda k, d=None: getattr(case, k, d)
    paused_since = get("paused_since")
    # a returned case has no deadline running: it is due again once resubmitted
    due = None if paused_since else get("decide_due") or get("accept_due")
    paused_days = get("paused_working_days_total") or 0
    if paused_since and days is not None and today is not None:
        paused_days += days.working_days_between(local_day(paused_since), today)
    return {
        "id": str(get("id")),
        "application_id": str(get("application_id")),
        "acceptance_number": get("acceptance_number"),
        "record_type": get("record_type"),
        "record_type_label": APPLICATION_TYPE_LABELS.get(get("record_type"), ""),
        "subject_uscc": get("subject_uscc"),
        "subject_name": get("subject_name"),
        "district_code": get("district_code"),
        "unit_code": get("unit_code"),
        "unit_name": _unit_name(get("unit_code")),
        "status": get("status"),
        "status_label": CASE_STATUS_LABELS.get(get("status"), ""),
        "record_ids": [str(i) for i in get("record_ids") or []],
        "submitted_at": _iso(get("submitted_at")),
        "opened_at": _iso(get("opened_at")),
        "accept_due": _iso(get("accept_due")),
        "decide_due": _iso(get("decide_due")),
        "due": _iso(due),
        "overdue": bool(today and due and due < today
                        and get("status") not in NOT_OVERDUE_STATUSES),
        "due_soon": bool(today and soon and due and today <= due <= soon
                         and get("status") in RUNNING_STATUSES),
        "handler_id": str(get("handler_id")) if get("handler_id") else None,
        "accepted_at": _iso(get("accepted_at")),
        "decided_at": _iso(get("decided_at")),
        "closed_at": _iso(get("closed_at")),
        "paused": paused_since is not None,
        "paused_since": _iso(paused_since),
        "paused_working_days_left": get("paused_working_days_left"),
        "paused_working_days": paused_days,
        "pause_count": get("pause_count") or 0,
        "version": get("version"),
    }


def step_view(step: dict) -> dict:
    action = ACTIONS.get(step["action"])
    return {
        "action": step["action"],
        "action_label": action.label if action else {"resubmit": "补正后重新提交",
                                                      "withdraw": "申请人撤回",
                                                      "penalty_withdrawn": "行政处罚已撤销"}.get(
            step["action"], step["action"]),
        "from_status": step["from_status"], "to_status": step["to_status"],
        "officer_name": step["officer_name"], "unit_code": step["unit_code"],
        "unit_name": _unit_name(step["unit_code"]),
        "target_unit_code": step["target_unit_code"],
        "target_unit_name": _unit_name(step["target_unit_code"]),
        "opinion": step["opinion"], "occurred_at": _iso(step["occurred_at"]),
    }


def action_view(name: str) -> dict:
    action = ACTIONS[name]
    return {"action": name, "label": action.label, "needs_opinion": action.needs_opinion}


def unit_view(found) -> dict:
    return {"code": found.code, "name": found.name}


def officer_view(officer: Officer) -> dict:
    return {"id": str(officer.id), "name": officer.name, "phone": officer.phone,
            "unit_code": officer.unit_code, "unit_name": _unit_name(officer.unit_code),
            "roles": list(officer.roles), "active": officer.active}


def document_view(document: dict) -> dict:
    return {"id": str(document["id"]), "kind": document["kind"],
            "title": TITLES.get(document["kind"], document["kind"]),
            "number": document["number"], "verification_code": document["verification_code"],
            "subject_name": document["subject_name"], "subject_code": document["subject_code"],
            "issued_on": _iso(document["issued_on"]), "sha256": document["sha256"],
            "file_name": f"{TITLES.get(document['kind'], '文书')}-{document['number']}.pdf"}


def _district_name(code):
    found = unit(code) if code else None
    return found.name.removeprefix("广州市").removesuffix("市场监督管理局") if found else None


def statistics_view(figures: dict) -> dict:
    """The figures with the Chinese names a chart or a table shows beside each code."""
    scope = figures["scope"]
    return {
        **figures,
        "average_basis": "accepted_to_decided",
        "scope": {**scope, "unit_name": _unit_name(scope["unit_code"]),
                  "district_name": _district_name(scope["district_code"])},
        "by_unit": [{**row, "unit_name": _unit_name(row["unit_code"]) or row["unit_code"]}
                    for row in figures["by_unit"]],
        "by_district": [{**row, "district_name": _district_name(row["district_code"])
                         or row["district_code"]} for row in figures["by_district"]],
        "by_record_type": [{**row, "record_type_label": RECORD_TYPE_LABELS.get(
            row["record_type"], row["record_type"])} for row in figures["by_record_type"]],
        "by_status": [{"status": status, "status_label": label,
                       "cases": figures["by_status"][status]}
                      for status, label in CASE_STATUS_LABELS.items()
                      if figures["by_status"].get(status)],
    }


def removal_view(removal: ListingRemoval, someone: Officer) -> dict:
    """A cured listing's removal as the officer's list and page show it."""
    cured = removal.cured
    return {
        "id": str(removal.id), "record_id": str(cured.record_id),
        "record_type": cured.record_type,
        "record_type_label": RECORD_TYPE_LABELS.get(cured.record_type, cured.record_type),
        "listing_reason": cured.listing_reason,
        "listing_reason_label": LISTING_REASON_LABELS.get(cured.listing_reason),
        "listing_date": _iso(cured.listing_date),
        "listing_unit_code": cured.listing_unit_code,
        "listing_unit_name": _unit_name(cured.listing_unit_code),
        "listing_document_number": cured.listing_document_number,
        "subject_code": cured.subject_code, "subject_name": cured.subject_name,
        "filing": {"kind": cured.filing_kind, "filed_on": _iso(cured.filed_on),
                   "report_year": cured.report_year,
                   "agency": cured.filing_agency, "agency_name": cured.filing_agency_name},
        "rule_version": cured.rule_version, "basis": cured.basis,
        "removal": cured.removal, "removal_label": REMOVAL_LABELS.get(cured.removal),
        "status": removal.status, "status_label": STATUS_LABELS.get(removal.status),
        "cured_at": _iso(cured.cured_at), "decided_at": _iso(removal.decided_at),
        "decided_by_name": removal.decided_by_name,
        "document_number": removal.document_number, "version": removal.version,
        "can_remove": (removal.status == RemovalStatus.pending
                       and removal.refusal(someone) is None),
    }
