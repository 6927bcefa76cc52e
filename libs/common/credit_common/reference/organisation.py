"""Guangzhou's market supervision organisation, shared by code.

Unit codes: the city bureau is ``440100``; a district bureau is its 6-digit division code; an
office (市场监督管理所) is the district code plus a two-digit number; the district's credit
section (信用监管科) is the district code plus ``90``. Workflow owns officers and routing,
disclosure stores unit codes; both read the names from here, and intake and workflow the one
rule of which unit decides on a record (``deciding_unit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from credit_common.contracts.vocabulary import RecordType


class UnitKind(str, Enum):
    city_bureau = "city_bureau"
    district_bureau = "district_bureau"
    office = "office"
    credit_section = "credit_section"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: UnitKind
    district_code: str | None
    short_name: str  # for document numbers: 穗天市监信修〔2026〕123号

    @property
    def parent_code(self) -> str | None:
        if self.kind is UnitKind.city_bureau:
            return None
        if self.kind is UnitKind.district_bureau:
            return CITY_BUREAU_CODE
        return self.district_code


CITY_BUREAU_CODE = "440100"
CITY_NAME = "广州市"

#: division code -> (district name, document prefix)
DISTRICTS: dict[str, tuple[str, str]] = {
    "440103": ("荔湾区", "穗荔"),
    "440104": ("越秀区", "穗越"),
    "440105": ("海珠区", "穗海"),
    "440106": ("天河区", "穗天"),
    "440111": ("白云区", "穗云"),
    "440112": ("黄埔区", "穗埔"),
    "440113": ("番禺区", "穗番"),
    "440114": ("花都区", "穗花"),
    "440115": ("南沙区", "穗南"),
    "440117": ("从化区", "穗从"),
    "440118": ("增城区", "穗增"),
}

#: offices are named after the streets and towns they supervise
OFFICE_PLACES: dict[str, tuple[str, ...]] = {
    "440103": ("沙面", "华林", "多宝", "逢源", "冲口"),
    "440104": ("北京街", "东山", "农林", "流花", "白云街"),
    "440105": ("赤岗", "新港", "江南中", "瑞宝", "琶洲"),
    "440106": ("石牌", "天河南", "五山", "员村", "珠吉", "长兴"),
    "440111": ("三元里", "景泰", "同和", "太和", "人和"),
    "440112": ("黄埔", "萝岗", "长洲", "九龙", "联和"),
    "440113": ("市桥", "大石", "洛浦", "南村", "石楼"),
    "440114": ("新华", "狮岭", "花山", "炭步", "赤坭"),
    "440115": ("南沙", "黄阁", "横沥", "大岗", "榄核"),
    "440117": ("街口", "江埔", "太平", "温泉", "鳌头"),
    "440118": ("荔城", "新塘", "永宁", "石滩", "中新"),
}

CREDIT_SECTION_SUFFIX = "90"


def credit_section_code(district_code: str) -> str:
    """The code of a district's credit section (信用监管科), known district or not."""
    return district_code + CREDIT_SECTION_SUFFIX


def _build_units() -> dict[str, Unit]:
    units = {CITY_BUREAU_CODE: Unit(CITY_BUREAU_CODE, "广州市市场监督管理局",
                                    UnitKind.city_bureau, None, "穗")}
    for code, (district, prefix) in DISTRICTS.items():
        bureau = f"广州市{district}市场监督管理局"
        units[code] = Unit(code, bureau, UnitKind.district_bureau, code, prefix)
        for number, place in enumerate(OFFICE_PLACES[code], start=1):
            office_code = f"{code}{number:02d}"
            units[office_code] = Unit(office_code, f"{bureau}{place}市场监督管理所",
                                      UnitKind.office, code, prefix)
        section_code = credit_section_code(code)
        units[section_code] = Unit(section_code, f"{bureau}信用监管科", UnitKind.credit_section,
                                   code, prefix)
    return units


UNITS: dict[str, Unit] = _build_units()


def unit(code: str) -> Unit | None:
    return UNITS.get(code)


def offices_of(district_code: str) -> list[Unit]:
    return [u for u in UNITS.values()
            if u.kind is UnitKind.office and u.district_code == district_code]


def credit_section_of(district_code: str) -> Unit | None:
    return UNITS.get(credit_section_code(district_code))


def deciding_unit(record_type: str, made_by: str | None, district_code: str,
                  registration_district_code: str | None = None) -> str:
    """The unit that decides on repairing a record (DOMAIN.md's record types): the office
    that listed the subject or made the penalty (``made_by``); the district's credit section
    for a record made above an office, or by no unit we know; and for another department's
    penalty, the credit section of the district where the subject is registered."""
    if record_type == RecordType.other_department_penalty:
        return credit_section_code(registration_district_code or district_code)
    found = UNITS.get(made_by or "")
    if found is not None and found.kind is UnitKind.office:
        return found.code
    return credit_section_code(district_code)


def same_district_bureau(a: str, b: str) -> bool:
    unit_a, unit_b = UNITS.get(a), UNITS.get(b)
    return bool(unit_a and unit_b and unit_a.district_code
                and unit_a.district_code == unit_b.district_code)
