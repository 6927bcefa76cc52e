"""A file sent with a form: read up to the size limit and refused above it, before any
service is called; the services check what it is (credit_common.uploads)."""

from __future__ import annotations

import base64

from fastapi import UploadFile

from gateway.core.errors import ApiError


async def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    content = await file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ApiError(422, "FILE_TOO_LARGE", f"单个文件不能超过 {max_bytes // (1024 * 1024)} MB",
                       {"field": "file", "max_bytes": max_bytes})
    return content


async def file_arguments(file: UploadFile, max_bytes: int) -> dict:
    """The file as a service's RPC takes it: its name and its content in base64."""
    content = await read_upload(file, max_bytes)
    return {"file_name": file.filename or "", "content_b64": base64.b64encode(content).decode()}
