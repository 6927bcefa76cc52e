"""Officers and their reach: the scope an officer's lists cover, and the rules an
administrator manages officers by. Plain Python."""

from __future__ import annotations

from credit_common.contracts.vocabulary import OfficerRole
from credit_common.errors import Forbidden, ValidationFailed
from credit_common.reference.organisation import UNITS, Unit, UnitKind, unit

from workflow.domain.model import Officer

ROLES = tuple(OfficerRole)


def usable(found: Officer | None) -> bool:
    return found is not None and found.active


def require_usable(found: Officer | None) -> Officer:
    if not usable(found):
        raise Forbidden("OFFICER_DISABLED", "该办理人员账号不存在或已停用")
    return found


def require_admin(someone: Officer) -> None:
    if OfficerRole.administrator not in someone.roles:
        raise Forbidden("ROLE_REQUIRED", "该操作需要管理员角色",
                        {"role": OfficerRole.administrator})


def scope(someone: Officer) -> tuple[list[str] | None, list[str] | None]:
    """(units, districts) an officer's lists cover; None means no limit on that axis."""
    mine = unit(someone.unit_code)
    if mine is None:
        return [], None
    if mine.kind == UnitKind.city_bureau:
        return None, None
    if mine.kind in (UnitKind.district_bureau, UnitKind.credit_section):
        return None, [mine.district_code]
    return [mine.code], None


def in_scope(admin: Officer, unit_code: str) -> bool:
    units, districts = scope(admin)
    target = unit(unit_code or "")
    return not ((units is not None and unit_code not in units) or (
        districts is not None and (target is None or target.district_code not in districts)))


def require_in_scope(admin: Officer, unit_code: str) -> None:
    if not in_scope(admin, unit_code):
        raise Forbidden("OFFICER_OUTSIDE_SCOPE", "只能管理本单位（本辖区）范围内的办理人员",
                        {"unit_code": unit_code})


def units_in_scope(admin: Officer) -> list[Unit]:
    """The units an administrator may put an officer in: those ``scope`` bounds."""
    units, districts = scope(admin)
    return [u for u in UNITS.values()
            if (units is None or u.code in units)
            and (districts is None or u.district_code in districts)]


def checked_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 50:
        raise ValidationFailed("INVALID_NAME", "请填写姓名（1 至 50 字）", {"field": "name"})
    return name


def checked_unit(code: str) -> Unit:
    found = unit(code or "")
    if found is None:
        raise ValidationFailed("UNKNOWN_UNIT", "未知的单位代码", {"field": "unit_code"})
    return found


def checked_roles(roles: list[str]) -> tuple[str, ...]:
    roles = tuple(dict.fromkeys(roles or []))
    if not roles or any(r not in ROLES for r in roles):
        raise ValidationFailed("INVALID_ROLES",
                               "角色须为承办人、审核人、信用监管科科长、审批人或管理员",
                               {"field": "roles", "allowed": list(ROLES)})
    return roles


def require_role_fits_unit(someone: Officer) -> None:
    """The section head's role (复审) belongs in a district credit section only."""
    found = unit(someone.unit_code)
    if OfficerRole.section_head in someone.roles and (
            found is None or found.kind != UnitKind.credit_section):
        raise ValidationFailed("ROLE_NOT_FOR_UNIT", "信用监管科科长角色只能授予区局信用监管科的人员",
                               {"field": "roles", "role": OfficerRole.section_head})


def changed(admin: Officer, found: Officer | None, *, name: str | None = None,
            unit_code: str | None = None, roles: list[str] | None = None,
            active: bool | None = None) -> tuple[Officer, bool]:
    """The officer as the administrator changes them, and whether their powers changed (their
    sessions then end: the tokens carry unit and roles)."""
    # an officer outside the scope gets the answer of one that does not exist: no hint of
    # who exists where
    if found is None or not in_scope(admin, found.unit_code):
        raise Forbidden("OFFICER_OUTSIDE_SCOPE", "只能管理本单位（本辖区）范围内的办理人员")
    after = Officer(id=found.id, phone=found.phone,
                    name=checked_name(name) if name is not None else found.name,
                    unit_code=checked_unit(unit_code).code if unit_code else found.unit_code,
                    roles=checked_roles(roles) if roles is not None else found.roles,
                    active=found.active if active is None else bool(active))
    require_in_scope(admin, after.unit_code)
    require_role_fits_unit(after)
    powers_changed = (set(after.roles) != set(found.roles)
                      or after.unit_code != found.unit_code
                      or (found.active and not after.active))
    if powers_changed and str(found.id) == str(admin.id):
        raise Forbidden("OWN_ACCOUNT_NOT_CHANGEABLE",
                        "不能修改本人的角色、单位或启用状态，请由其他管理员办理")
    return after, powers_changed
