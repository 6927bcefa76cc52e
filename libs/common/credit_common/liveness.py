"""The file a loop-driven process touches each time its loop goes round (``LIVENESS_FILE``).

The relays, workflow's document renderer and disclosure's inbound consumer serve no HTTP
port; a container's liveness probe (``python -m credit_common.probe alive``) reads this
file's age instead. The loops keep turning while they wait out a broker or database outage
(each attempt is bounded by a timeout), so a stale file means a loop that stopped, not an
outage a restart would not cure. Without ``LIVENESS_FILE`` nothing is written.
"""

from __future__ import annotations

import os
import time

from credit_common.logging import get_logger

log = get_logger(__name__)

#: at most one write this often: the loops go round many times a second under load
DEFAULT_EVERY_S = 5.0


class Heartbeat:
    def __init__(self, path: str | None, every_s: float = DEFAULT_EVERY_S):
        self.path = path or None
        self.every_s = every_s
        self._last = float("-inf")
        self._failed = False

    def beat(self) -> None:
        if self.path is None:
            return
        now = time.monotonic()
        if now - self._last < self.every_s:
            return
        self._last = now
        try:
            with open(self.path, "a"):
                pass
            os.utime(self.path)
        except OSError as exc:
            if not self._failed:  # once: a read-only file system would say it every beat
                log.warning("liveness file cannot be written", path=self.path, error=repr(exc))
            self._failed = True
