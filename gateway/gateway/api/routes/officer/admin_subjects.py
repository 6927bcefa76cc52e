"""Administration: a subject's proof-material mode."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from gateway.api.deps import Administrator, Caller
from gateway.api.routing import PrefixRouter

router = PrefixRouter()


@router.post("/subjects/{code}/proof-material-mode", summary="设置主体“证明材料”模式")
async def proof_material_mode(code: Annotated[str, Path(min_length=15, max_length=18)],
                              enabled: Annotated[bool, Query()], admin: Administrator,
                              call: Caller):
    return await call("disclosure", "set_proof_material_mode", code=code, enabled=enabled,
                      admin_id=admin.id)
