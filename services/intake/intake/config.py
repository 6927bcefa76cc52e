from typing import ClassVar

from pydantic import Field

from credit_common.settings import LoginSettings


class IntakeSettings(LoginSettings):
    service_name: ClassVar[str] = "intake"
    service_database_url: str | None = Field(None, validation_alias="INTAKE_DATABASE_URL")

    #: where uploaded materials live, one file per content hash, outside the database
    files_dir: str = Field("var/intake-files", validation_alias="INTAKE_FILES_DIR")
    max_upload_bytes: int = Field(10 * 1024 * 1024, validation_alias="MAX_UPLOAD_BYTES")
    signature_link_ttl_s: int = Field(24 * 3600, validation_alias="SIGNATURE_LINK_TTL_S")
