"""A file a service returned (``content_b64`` and ``file_name``) as an HTTP download."""

from __future__ import annotations

import base64
from urllib.parse import quote

from fastapi import Response


def attachment(file_name: str) -> str:
    """RFC 6266 with RFC 5987 encoding: Chinese file names survive every browser."""
    return "attachment; filename*=UTF-8''" + quote(file_name, safe="")


def download(found: dict, media_type: str | None = None) -> Response:
    """``media_type`` for a file the platform made; without it the type the uploader declared
    is sent, and browsers are told not to second-guess it."""
    headers = {"Content-Disposition": attachment(found["file_name"])}
    if media_type is None:
        media_type = found["content_type"]
        headers["X-Content-Type-Options"] = "nosniff"
    return Response(base64.b64decode(found["content_b64"]), media_type=media_type,
                    headers=headers)
