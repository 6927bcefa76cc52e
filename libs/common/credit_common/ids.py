"""Time-ordered UUIDs (version 7, RFC 9562) for rows inserted in bulk, and reading an id a
caller sent.

A random (version 4) key lands on a random page of every B-tree that indexes it; at city
scale most of those pages are not in memory, so each insert reads and dirties one. Keys that
grow with time land on the right-hand edge instead, the same few pages for a whole batch.
"""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> uuid.UUID:
    """48 bits of Unix milliseconds, the version and variant, 74 random bits."""
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = ((millis & (1 << 48) - 1) << 80) | (0x7 << 76) | (((rand >> 62) & 0xFFF) << 64) \
        | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return uuid.UUID(int=value)


def uuid_or_none(value) -> str | None:
    """``value`` as a UUID's text, or None when it is none: an id that cannot exist finds
    nothing, where PostgreSQL would refuse the whole statement."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None
