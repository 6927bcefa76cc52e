"""What intake answers over RPC: plain JSON only."""

from credit_common.contracts.vocabulary import APPLICATION_STATUS_LABELS, RECORD_TYPE_LABELS

from intake.domain.model import Application


def application_view(application: Application) -> dict:
    return {
        "id": str(application.id),
        "acceptance_number": application.acceptance_number,
        "record_type": application.record_type,
        "record_type_label": RECORD_TYPE_LABELS.get(application.record_type, ""),
        "subject_uscc": application.subject_uscc,
        "subject_name": application.subject_name,
        "district_code": application.district_code,
        "status": application.status,
        "status_label": APPLICATION_STATUS_LABELS.get(application.status, ""),
        "case_id": str(application.case_id) if application.case_id else None,
        "submitted_at": application.submitted_at.isoformat(),
        "updated_at": application.updated_at.isoformat(),
        "version": application.version,
    }
