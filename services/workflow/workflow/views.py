from credit_common.contracts.vocabulary import APPLICATION_STATUS_LABELS, RECORD_TYPE_LABELS


def case_view(case: dict) -> dict:
    return {
        "id": str(case["id"]),
        "application_id": str(case["application_id"]),
        "acceptance_number": case["acceptance_number"],
        "record_type": case["record_type"],
        "record_type_label": RECORD_TYPE_LABELS.get(case["record_type"], ""),
        "subject_uscc": case["subject_uscc"],
        "subject_name": case["subject_name"],
        "district_code": case["district_code"],
        "status": case["status"],
        "status_label": APPLICATION_STATUS_LABELS.get(case["status"], ""),
        "submitted_at": case["submitted_at"].isoformat(),
        "opened_at": case["opened_at"].isoformat(),
        "version": case["version"],
    }
