"""Texts that hold a secret (a login code), kept only in this process's memory.

The database holds such a message with its secret masked. The real text lives here until
the provider took it (``InFlightTexts``) or, with the development provider, for the
development sink to show (``DevSink``); a restart forgets both, which costs at most a code
the person asks for again."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from datetime import datetime

#: this process among several senders: a held message is sent only by its holder
PROCESS_ID = uuid.uuid4().hex


class InFlightTexts:
    """message id -> (text, the secrets in it, until when it is worth sending)."""

    def __init__(self):
        self._texts: dict[str, tuple[str, tuple[str, ...], datetime]] = {}
        self._lock = threading.Lock()

    def hold(self, message_id, text: str, secrets: tuple[str, ...], until: datetime) -> None:
        with self._lock:
            self._texts[str(message_id)] = (text, secrets, until)

    def text(self, message_id, at: datetime) -> tuple[str, tuple[str, ...]] | None:
        with self._lock:
            self._forget_expired(at)
            found = self._texts.get(str(message_id))
        return (found[0], found[1]) if found else None

    def drop(self, message_id) -> None:
        with self._lock:
            self._texts.pop(str(message_id), None)

    def _forget_expired(self, at: datetime) -> None:
        for key in [k for k, (_, _, until) in self._texts.items() if until <= at]:
            del self._texts[key]


class DevSink:
    """The development provider's copy of the real texts (``SMS_PROVIDER=dev`` only, which
    production refuses), newest kept, bounded."""

    def __init__(self, limit: int = 2000):
        self.limit = limit
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, message_id, text: str) -> None:
        with self._lock:
            self._texts[str(message_id)] = text
            while len(self._texts) > self.limit:
                self._texts.popitem(last=False)

    def text(self, message_id) -> str | None:
        with self._lock:
            return self._texts.get(str(message_id))


in_flight = InFlightTexts()
dev_sink = DevSink()
