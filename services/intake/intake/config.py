from pydantic import Field

from credit_common.settings import LoginSettings, service_settings


# the name and INTAKE_DATABASE_URL, INTAKE_MIGRATION_DATABASE_URL, INTAKE_AMQP_URI
class IntakeSettings(service_settings("intake", LoginSettings)):
    #: where uploaded materials live, one file per content hash, outside the database and
    #: outside web/ (the gateway serves only web/*/dist): never a URL away from a browser
    files_dir: str = Field("var/intake-files", validation_alias="INTAKE_FILES_DIR")
    max_upload_bytes: int = Field(10 * 1024 * 1024, validation_alias="MAX_UPLOAD_BYTES")
    #: upload quotas (ASVS 12.1.3): materials in one application, and in all open
    #: applications of one applicant (counter applications have only the first)
    max_materials_per_application: int = Field(
        20, gt=0, validation_alias="MAX_MATERIALS_PER_APPLICATION")
    max_materials_per_applicant: int = Field(
        200, gt=0, validation_alias="MAX_MATERIALS_PER_APPLICANT")
    signature_link_ttl_s: int = Field(24 * 3600, validation_alias="SIGNATURE_LINK_TTL_S")
