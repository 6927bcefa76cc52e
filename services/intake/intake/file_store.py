"""Uploaded files, stored once per content hash in a directory outside the database
(``INTAKE_FILES_DIR``). Writes go to a temporary name and are renamed into place, so a file
is either whole or absent."""

from __future__ import annotations

import hashlib
import os
import pathlib
import tempfile

from credit_common.errors import NotFound


class FileStore:
    def __init__(self, root: str | os.PathLike):
        self.root = pathlib.Path(root)

    def _path(self, sha256: str) -> pathlib.Path:
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        sha256 = hashlib.sha256(content).hexdigest()
        path = self._path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        return sha256

    def get(self, sha256: str) -> bytes:
        path = self._path(sha256)
        if not path.exists():
            raise NotFound("FILE_MISSING", "文件不存在")
        return path.read_bytes()
