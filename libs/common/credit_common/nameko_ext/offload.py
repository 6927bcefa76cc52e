"""CPU-bound work off the eventlet hub.

A worker that computes for longer than the AMQP heartbeat interval without yielding stops
every greenthread of its process, heartbeats included: the broker closes the connection and
redelivers the message being handled, which then runs twice (nameko #477). PDF rendering,
spreadsheets and image decoding run here instead, in eventlet's thread pool, while the hub
keeps serving; a few at a time, so a burst neither queues every thread nor multiplies memory.
"""

from __future__ import annotations

from eventlet import tpool
from eventlet.semaphore import Semaphore

#: jobs running at once per process (a 2-core machine gains nothing from more)
_RUNNING = Semaphore(2)


def off_hub(work, *args, **kwargs):
    """``work(*args, **kwargs)`` in a real thread; this greenthread waits, the hub does not."""
    with _RUNNING:
        return tpool.execute(work, *args, **kwargs)
