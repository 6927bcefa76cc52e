"""Notification's use cases: ``(command, uow) -> result``; the entrypoint commits."""

from __future__ import annotations

import uuid
from datetime import timedelta

from credit_common.clock import now
from credit_common.contracts.envelope import EventEnvelope
from credit_common.contracts.events import (ApplicationStatusChanged, CaseDeadline,
                                            PenaltyWithdrawn, RepairNoticeIssued)
from credit_common.contracts.vocabulary import CaseStatus
from credit_common.errors import NotFound, ValidationFailed
from credit_common.identity import is_mainland_mobile
from credit_common.reference.organisation import unit

from notification.adapters.in_flight import (PROCESS_ID, DevSink, InFlightTexts, dev_sink,
                                             in_flight)
from notification.adapters.unit_of_work import NotificationUnitOfWork
from notification.domain.templates import (MASK, SECRET_PARAMS, is_secret, masked_params,
                                           render_inbox, render_sms, secrets_of)

#: the step a running case waits in, as a deadline message names it
CASE_STEP_LABELS = {
    CaseStatus.pending_acceptance: "待受理", CaseStatus.accepted: "核实",
    CaseStatus.under_review: "审核", CaseStatus.second_review: "复审",
    CaseStatus.under_approval: "审批",
}


def send_sms(phone: str, template: str, params: dict, dedupe_key: str | None, provider: str,
             uow: NotificationUnitOfWork, texts: InFlightTexts = in_flight,
             sink: DevSink = dev_sink) -> bool:
    """Queue one SMS; the same ``dedupe_key`` twice sends once. The development sink keeps
    the message as sent (nothing leaves the machine); another provider's sender delivers
    the pending ones. A secret (the login code) is stored masked: the real text stays in
    this process's memory until the provider has it (or, in development, in the sink)."""
    if not is_mainland_mobile(str(phone)):
        raise ValidationFailed("INVALID_PHONE", "请输入 11 位手机号码", {"field": "phone"})
    params = dict(params or {})
    text = render_sms(str(template), params)
    stored = masked_params(str(template), params)
    secret = is_secret(str(template))
    at, message_id = now(), uuid.uuid4()
    dev = provider == "dev"
    expires_at = at + timedelta(minutes=_minutes(params)) if secret else None
    added = uow.sms.add({"id": message_id, "dedupe_key": dedupe_key or str(message_id),
                         "phone": phone, "template": template, "params": stored,
                         "body": render_sms(str(template), stored) if secret else text,
                         "provider": provider, "status": "sent" if dev else "pending",
                         "attempts": 1 if dev else 0, "created_at": at,
                         "sent_at": at if dev else None,
                         "holder": PROCESS_ID if secret and not dev else None,
                         "expires_at": expires_at})
    if added and secret:
        if dev:
            sink.keep(message_id, text)
        else:
            texts.hold(message_id, text, secrets_of(str(template), params), expires_at)
    return added


def _minutes(params: dict) -> float:
    try:
        return min(max(float(params.get("minutes", 5)), 1.0), 60.0)
    except (TypeError, ValueError):
        return 5.0


def purge_login_messages(retention_s: float, uow: NotificationUnitOfWork) -> int:
    """Sent (or given up) messages that carried a code, once older than the retention."""
    return uow.sms.purge(tuple(SECRET_PARAMS), now() - timedelta(seconds=retention_s))


def record_case_deadline(envelope: EventEnvelope, uow: NotificationUnitOfWork) -> bool:
    """A reminder to the case's unit (and its handler), or an escalation to the district's
    credit section: one inbox message per recipient, deduplicated by the event's id."""
    event = CaseDeadline.model_validate(envelope.data)
    found = unit(event.unit_code)
    title, body = render_inbox(event.kind, {
        "acceptance_number": event.acceptance_number, "subject_name": event.subject_name,
        "due": f"{event.due:%Y年%m月%d日}",
        "status_label": CASE_STEP_LABELS.get(event.status, event.status),
        "unit_name": found.name if found else event.unit_code})
    recipients = [("unit", event.recipient_unit_code)]
    if event.kind == "reminder" and event.handler_id:
        recipients.append(("officer", str(event.handler_id)))
    added = False
    for kind, recipient in recipients:
        added |= uow.inbox.add({
            "id": uuid.uuid4(), "dedupe_key": f"{envelope.message_id}:{kind}:{recipient}",
            "recipient_kind": kind, "recipient_id": recipient, "kind": f"case_{event.kind}",
            "title": title, "body": body,
            "link": f"/api/v1/officer/cases/{event.acceptance_number}", "created_at": now()})
    return added


def recipients_of(officer_id: str | None, unit_code: str | None,
                  applicant_id: str | None) -> list[tuple[str, str]]:
    found = []
    if officer_id:
        found.append(("officer", str(officer_id)))
    if unit_code:
        found.append(("unit", str(unit_code)))
    if applicant_id:
        found.append(("applicant", str(applicant_id)))
    return found


def mark_read(recipients: list[tuple[str, str]], message_id: str,
              uow: NotificationUnitOfWork) -> None:
    if not uow.inbox.mark_read(recipients, message_id, now()):
        raise NotFound("MESSAGE_NOT_FOUND", "未找到该消息")


def record_application_status(envelope: EventEnvelope, provider: str,
                              uow: NotificationUnitOfWork) -> bool:
    """Every status the applicant sees: an inbox message and an SMS to the contact phone,
    each once per event (a redelivery finds the dedupe key and adds nothing)."""
    event = ApplicationStatusChanged.model_validate(envelope.data)
    params = {"acceptance_number": event.acceptance_number, "status_label": event.status_label,
              "note": f"{event.note}。" if event.note else ""}
    added = False
    if event.applicant_id:
        title, body = render_inbox("status", params)
        added |= uow.inbox.add({
            "id": uuid.uuid4(), "dedupe_key": f"{envelope.message_id}:applicant",
            "recipient_kind": "applicant", "recipient_id": str(event.applicant_id),
            "kind": f"application_{event.status}", "title": title, "body": body,
            "link": f"/api/v1/applicant/applications/{event.application_id}",
            "created_at": now()})
    if event.contact_phone and is_mainland_mobile(event.contact_phone):
        added |= send_sms(event.contact_phone, "status_changed", params,
                          f"{envelope.message_id}:sms", provider, uow)
    return added


def record_repair_notice(envelope: EventEnvelope, provider: str,
                         uow: NotificationUnitOfWork) -> bool:
    """The legal representative's SMS with the notice's link: once per record, whatever
    message carries it; a phone that is no mainland mobile gets none (nothing to send to)."""
    event = RepairNoticeIssued.model_validate(envelope.data)
    if not is_mainland_mobile(event.legal_rep_phone):
        return False
    earliest = event.earliest_date
    when = (f"你（单位）最早可于{earliest.year}年{earliest.month}月{earliest.day}日起申请信用修复。"
            if earliest else "")
    return send_sms(event.legal_rep_phone, "repair_notice",
                    {"subject_name": event.subject_name, "number": event.number, "when": when,
                     "url": event.document_url},
                    f"repair_notice:{event.record_id}:sms", provider, uow)


def record_penalty_withdrawn(envelope: EventEnvelope, provider: str,
                             uow: NotificationUnitOfWork) -> bool:
    """One SMS to each of the subject's phones, once per event."""
    event = PenaltyWithdrawn.model_validate(envelope.data)
    params = {"subject_name": event.subject_name,
              "decision_number": event.decision_number or "",
              "ruling_kind_label": event.ruling_kind_label, "ruling_number": event.ruling_number}
    added = False
    for phone in event.notify_phones:
        if is_mainland_mobile(phone):
            added |= send_sms(phone, "penalty_withdrawn", params,
                              f"{envelope.message_id}:sms:{phone}", provider, uow)
    return added


def backoff_s(attempts: int, cap_s: float) -> float:
    """1 s, 2 s, 4 s … up to ``cap_s``: a provider that is down is asked less and less
    often, and never given up on (nothing is lost while it is down)."""
    return min(cap_s, 2.0 ** max(0, attempts))


def deliver_pending(provider, cap_s: float, uow: NotificationUnitOfWork, batch: int = 20,
                    texts: InFlightTexts = in_flight) -> dict[str, int]:
    """Send what is due; a failure leaves the message pending with its next attempt later.
    A message holding a code is sent by the process that holds its text, and given up once
    the code has expired."""
    at = now()
    result = {"sent": 0, "failed": 0, "expired": uow.sms.give_up_expired(at)}
    for message in uow.sms.claim_due(at, batch, PROCESS_ID):
        text, secrets = message["body"], ()
        if message["holder"]:
            held = texts.text(message["id"], at)
            if held is None:
                uow.sms.give_up(message["id"], "验证码已失效，未发送")
                result["expired"] += 1
                continue
            text, secrets = held
        try:
            provider.send(str(message["id"]), message["phone"], text)
        except Exception as exc:  # noqa: BLE001 - any failure is a retry, never a loss
            error = str(exc)
            for secret in secrets:      # a provider may echo the text back
                error = error.replace(secret, MASK)
            uow.sms.retry_later(message["id"], error, at + timedelta(
                seconds=backoff_s(message["attempts"], cap_s)))
            result["failed"] += 1
        else:
            uow.sms.delivered(message["id"], at)
            texts.drop(message["id"])
            result["sent"] += 1
    return result
