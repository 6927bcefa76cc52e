from pydantic import BaseModel

#: what a check can report: a named failure, never a hang
CHECK_STATES = ("ok", "unreachable", "timeout")


class HealthStatus(BaseModel):
    service: str
    version: str
    database: bool
    broker: bool
    ok: bool
    #: dependency -> "ok" | "unreachable" | "timeout", each check bounded by its own timeout
    checks: dict[str, str] = {}
