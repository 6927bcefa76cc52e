"""Administrator operations of a service other than workflow: workflow, which owns the
officers, says whether the caller is an active administrator and within what scope, so a
service never takes the gateway's word for it."""

from __future__ import annotations

import eventlet
from nameko.exceptions import RemoteError, UnknownService

from credit_common.contracts.officers import AdministratorScope
from credit_common.contracts.vocabulary import OfficerRole
from credit_common.errors import Forbidden, Unavailable

ROLE_REQUIRED = ("ROLE_REQUIRED", "该操作需要管理员角色")
CHECK_UNAVAILABLE = ("ADMIN_CHECK_UNAVAILABLE", "暂时无法核实管理员身份，请稍后再试")
#: Nameko's RpcProxy waits for ever: a workflow that does not answer must not hold a worker
CHECK_TIMEOUT_S = 5


def require_administrator(workflow, admin_id: str | None) -> AdministratorScope:
    """``workflow`` is the service's ``RpcProxy("workflow")``; answers the administrator and
    their scope, or raises Forbidden."""
    if not admin_id:
        raise Forbidden(*ROLE_REQUIRED, {"role": OfficerRole.administrator})
    try:
        with eventlet.Timeout(CHECK_TIMEOUT_S):
            answer = workflow.administrator(officer_id=str(admin_id))
    except RemoteError as error:
        if error.exc_type == "Forbidden":
            code, _, message = str(error.value).partition(": ")
            raise Forbidden(code or ROLE_REQUIRED[0], message or ROLE_REQUIRED[1]) from None
        raise Unavailable(*CHECK_UNAVAILABLE) from None
    except (UnknownService, eventlet.Timeout):
        raise Unavailable(*CHECK_UNAVAILABLE) from None
    return AdministratorScope.model_validate(answer)

