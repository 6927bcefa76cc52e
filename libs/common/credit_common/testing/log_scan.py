"""Finding personal numbers that escaped masking: written apart from the masking itself
(``credit_common.identity.mask_personal_data``), so the check does not share its mistakes."""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass, field

from stdnum.cn import ric

#: any 18-character run stdnum accepts as a resident ID, not inside a longer run of digits
_ID_RUN = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
#: any 11-digit mainland mobile, not inside a longer run of digits
_MOBILE_RUN = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
#: request and message ids are not personal data, whatever digits they hold
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def unmasked_personal_data(text: str) -> list[str]:
    """Every valid resident ID number and mainland mobile number in ``text``, in full."""
    text = _UUID.sub("-", text)
    return [m for m in _ID_RUN.findall(text) if ric.is_valid(m.upper())] + \
        _MOBILE_RUN.findall(text)


@dataclass
class Scan:
    """What one scan for unmasked personal data read, and what it found."""

    #: the summary's words for where it looked and for what it read there
    place: str
    item: str
    places: int = 0
    items: int = 0
    #: (where, which line or message, the number found)
    leaks: list[tuple[str, int | str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"scanned {self.items} {self.item} in {self.places} {self.place}: "
                f"{len(self.leaks)} unmasked ID or mobile numbers")


def scan_logs(log_dir: pathlib.Path) -> Scan:
    """Every line of every ``*.log`` under ``log_dir``."""
    scan = Scan(place="files", item="log lines")
    for path in sorted(log_dir.rglob("*.log")):
        scan.places += 1
        with path.open(encoding="utf-8", errors="replace") as log:
            for number, line in enumerate(log, 1):
                scan.items += 1
                scan.leaks.extend((path.name, number, found)
                                  for found in unmasked_personal_data(line))
    return scan


def scan_dead_letters(amqp_uri: str) -> Scan:
    """The headers (reason, last error) of every message in the platform's dead-letter
    queues; the messages stay where they are. A body is the event as sent, not a log."""
    import pika

    from credit_common.topology import INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE, SUBSCRIPTIONS

    scan = Scan(place="queues", item="dead-lettered messages' headers")
    connection = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        for queue in [s.dead_letter_queue for s in SUBSCRIPTIONS] + [
                INTERAGENCY_INBOUND_DEAD_LETTER_QUEUE]:
            channel = connection.channel()
            try:
                channel.queue_declare(queue=queue, passive=True)
            except pika.exceptions.ChannelClosedByBroker:
                continue
            scan.places += 1
            while True:
                method, properties, _ = channel.basic_get(queue=queue, auto_ack=False)
                if method is None:
                    break
                scan.items += 1
                scan.leaks.extend((queue, str(properties.message_id), found) for found in
                                  unmasked_personal_data(str(properties.headers or {})))
            channel.close()  # unacked: back in their queue
    finally:
        connection.close()
    return scan
