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
class LogScan:
    files: int = 0
    lines: int = 0
    #: (file name, line number, the number found)
    leaks: list[tuple[str, int, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"scanned {self.lines} log lines in {self.files} files: "
                f"{len(self.leaks)} unmasked ID or mobile numbers")


def scan_logs(log_dir: pathlib.Path) -> LogScan:
    """Every line of every ``*.log`` under ``log_dir``."""
    scan = LogScan()
    for path in sorted(log_dir.rglob("*.log")):
        scan.files += 1
        with path.open(encoding="utf-8", errors="replace") as log:
            for number, line in enumerate(log, 1):
                scan.lines += 1
                scan.leaks.extend((path.name, number, found)
                                  for found in unmasked_personal_data(line))
    return scan
