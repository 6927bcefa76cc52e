"""What a fake unit of work raises for a second ``claim_later`` of one message: the same
thing PostgreSQL's unique violation of ``processed_messages_pkey`` carries."""

from __future__ import annotations

from types import SimpleNamespace

from credit_common.outbox import CLAIM_CONSTRAINT


class DuplicateClaim(Exception):
    diag = SimpleNamespace(constraint_name=CLAIM_CONSTRAINT)


class FakeClaims:
    """``claim`` and ``claim_later`` for fake units of work."""

    def __init__(self):
        self.claimed: set[tuple[str, str]] = set()

    def claim(self, consumer, message_id) -> bool:
        key = (consumer, str(message_id))
        if key in self.claimed:
            return False
        self.claimed.add(key)
        return True

    def claim_later(self, consumer, message_id) -> None:
        if not self.claim(consumer, message_id):
            raise DuplicateClaim(f"{consumer} {message_id}")
