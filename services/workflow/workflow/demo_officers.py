"""``python -m workflow demo-officers`` (part of ``make demo-data``): the demo officers of two
districts, idempotent. Their phones are the demo logins ``make run`` prints."""

from __future__ import annotations

import argparse
import uuid

from sqlalchemy import create_engine, text

#: phone, name, unit, roles (冯科长 heads 天河's credit section: 复审 and 审批)
DEMO_OFFICERS = (
    ("13900000001", "黄承办", "44010601", ["handler"]),
    ("13900000002", "林承办", "44010602", ["handler"]),
    ("13900000003", "周审核", "44010601", ["reviewer"]),
    ("13900000004", "吴审批", "44010601", ["approver"]),
    ("13900000005", "郑信用", "44010690", ["handler", "reviewer"]),
    ("13900000006", "冯科长", "44010690", ["section_head", "approver"]),
    ("13900000007", "陈承办", "44010401", ["handler", "reviewer"]),
    ("13900000008", "何审批", "44010401", ["approver"]),
    ("13900000009", "马管理", "440100", ["administrator"]),
)
NAMESPACE = uuid.UUID("8f0c9a6e-4d7b-4f7e-9a51-0c3a1d2e5b70")


def load(database_url: str, connect_args: dict | None = None) -> int:
    engine = create_engine(database_url, connect_args=connect_args or {})
    added = 0
    try:
        with engine.begin() as conn:
            for phone, name, unit_code, roles in DEMO_OFFICERS:
                added += conn.execute(text(
                    "INSERT INTO officers (id, phone, name, unit_code, roles) "
                    "VALUES (:id, :phone, :name, :unit, :roles) ON CONFLICT (phone) DO NOTHING"),
                    {"id": uuid.uuid5(NAMESPACE, phone), "phone": phone, "name": name,
                     "unit": unit_code, "roles": roles}).rowcount
            # a demo database from before the section head role: its head could not take 复审
            conn.execute(text(
                "UPDATE officers SET roles = :roles WHERE phone = '13900000006' "
                "AND roles = ARRAY['reviewer', 'approver']"),
                {"roles": ["section_head", "approver"]})
    finally:
        engine.dispose()
    return added


def main(argv: list[str] | None = None) -> int:
    from workflow.config import WorkflowSettings

    argparse.ArgumentParser(prog="workflow demo-officers", description="载入演示办理人员").parse_args(argv)
    settings = WorkflowSettings()
    print(f"演示办理人员：新增 {load(settings.database_url, settings.connect_args())} 名")
    return 0
