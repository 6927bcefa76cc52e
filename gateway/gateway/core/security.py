"""Access tokens: short-lived HS256 JWTs the gateway signs after a service accepted a login.
The session behind a token lives in the service that owns the person (intake for applicants,
workflow for officers); a revoked session stops its tokens (see ``api.deps``). A token names its principal by id only:
no phone or ID number, which a token shown in a browser or a log would give away; what is
needed of the person is asked of the service that owns them."""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
ISSUER = "credit-repair-gateway"
#: the API these tokens open; a token minted for another audience is refused
AUDIENCE = "credit-repair-api"


@dataclass(frozen=True)
class Principal:
    id: str
    role: str
    session_id: str
    unit_code: str | None = None
    roles: tuple[str, ...] = ()


def issue_access_token(secret: str, ttl_s: int, principal: Principal) -> str:
    issued = int(time.time())
    claims = {"sub": principal.id, "role": principal.role, "sid": principal.session_id,
              "iat": issued, "exp": issued + ttl_s, "iss": ISSUER, "aud": AUDIENCE}
    if principal.unit_code:
        claims["unit"] = principal.unit_code
        claims["roles"] = list(principal.roles)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def login_answer(secret: str, ttl_s: int, principal: Principal, session: dict) -> dict:
    """What a login or a refresh answers: a fresh access token and the session's refresh
    token, from the service's ``session`` (``refresh_token``, ``refresh_expires_at``)."""
    return {"access_token": issue_access_token(secret, ttl_s, principal),
            "token_type": "bearer", "expires_in": ttl_s,
            "refresh_token": session["refresh_token"],
            "refresh_expires_at": session["refresh_expires_at"]}


def read_access_token(secret: str, token: str) -> Principal | None:
    """The principal of a valid, unexpired token; None for anything else."""
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            audience=AUDIENCE,
                            options={"require": ["exp", "iss", "aud", "sub", "sid", "role"]})
    except jwt.PyJWTError:
        return None
    return Principal(id=claims["sub"], role=claims["role"], session_id=claims["sid"],
                     unit_code=claims.get("unit"),
                     roles=tuple(claims.get("roles", ())))
