"""Path parameters the applicant's routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

ApplicationId = Annotated[str, Path(max_length=36)]
