from pydantic import Field

from credit_common.settings import ServiceSettings, service_settings


# the name and DISCLOSURE_DATABASE_URL, DISCLOSURE_MIGRATION_DATABASE_URL, DISCLOSURE_AMQP_URI
class DisclosureSettings(service_settings("disclosure", ServiceSettings)):
    #: how often the daily jobs are tried; each runs once per day whatever the interval
    jobs_interval_s: float = Field(600.0, gt=0, validation_alias="DISCLOSURE_JOBS_INTERVAL_S")
    #: a listing arriving after the filing that cures it: filings of these last days match
    filing_match_days: int = Field(30, ge=1, validation_alias="DISCLOSURE_FILING_MATCH_DAYS")
    #: how often running temporary repairs (bankruptcy reorganisation) are checked for expiry
    temporary_repair_check_interval_s: float = Field(
        300.0, gt=0, validation_alias="TEMPORARY_REPAIR_CHECK_INTERVAL_S")
    #: inbound inter-agency consumer (python -m disclosure inbound)
    inbound_prefetch: int = Field(50, ge=1, validation_alias="DISCLOSURE_INBOUND_PREFETCH")
    #: agency code <-> broker user of each partner (default: the shipped reference file)
    partner_agencies_file: str | None = Field(None, validation_alias="PARTNER_AGENCIES_FILE")
    #: failed manual identity checks before a pause, per applicant and per subject; the pause
    identity_max_failures: int = Field(5, ge=1, validation_alias="IDENTITY_MAX_FAILURES")
    identity_lock_s: int = Field(1800, ge=1, validation_alias="IDENTITY_LOCK_S")
    #: the largest ruling file a penalty's withdrawal keeps (as intake's materials)
    max_upload_bytes: int = Field(10 * 1024 * 1024, gt=0, validation_alias="MAX_UPLOAD_BYTES")
