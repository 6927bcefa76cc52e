from pydantic import BaseModel


class HealthStatus(BaseModel):
    service: str
    version: str
    database: bool
    broker: bool
    ok: bool
