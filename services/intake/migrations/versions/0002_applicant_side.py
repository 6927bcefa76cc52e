"""applicant side: login, guides and acknowledgements, versioned eligibility rules (2021
baseline as data), bound subjects, drafts, records in applications, materials, signatures,
timeline

Revision ID: 0002
"""
import json

from alembic import op
from sqlalchemy import text

from credit_common.login import DROP_LOGIN_TABLES_DDL, LOGIN_TABLES_DDL

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LIST_MATERIALS = ["application_form", "commitment", "correction_proof"]
PENALTY_MATERIALS = ["application_form", "commitment", "fulfilment_proof"]

#: 国市监信规〔2021〕3号 and the rules it refers to, as DOMAIN.md summarises them. Thresholds
#: set per province (the low fine) are Guangdong's practice here; change them by adding a
#: version, never in code.
BASELINE_RULES = {
    "record_types": {
        "penalty_publicity": {
            "article": "《市场监督管理行政处罚信息公示规定》第十三条、第十四条；国市监信规〔2021〕3号",
            "min_publicity_months": 6,
            "min_publicity_months_by_domain": {"food": 12, "drugs": 12, "special_equipment": 12},
            "not_repairable_penalty_kinds": [
                "suspension", "production_restriction", "employment_restriction",
                "licence_demotion", "licence_revocation", "business_licence_revocation"],
            "short_publicity_penalty_kinds": ["warning", "circulated_criticism"],
            "low_fine_threshold": "10000.00",
            "materials": PENALTY_MATERIALS,
            "facts_and_reasons_required": True,
            "signing_required": True,
        },
        "other_department_penalty": {
            "article": "国市监信规〔2021〕3号（其他部门行政处罚信息的信用修复）",
            "materials": ["application_form", "commitment", "other_department_repair_decision"],
            "facts_and_reasons_required": True,
            "signing_required": True,
        },
        "serious_illegal_list": {
            "article": "《市场监督管理严重违法失信名单管理办法》（市场监管总局令第44号）",
            "min_listed_months": 12,
            "materials": PENALTY_MATERIALS,
        },
        "abnormal_operation_list": {
            "article": "国市监信规〔2021〕3号（经营异常名录的移出）",
            "repairable_reasons": ["annual_report_overdue", "instant_info_not_published",
                                   "false_information", "unreachable_address"],
            "materials": LIST_MATERIALS,
        },
        "individual_abnormal_status": {
            "article": "国市监信规〔2021〕3号（个体工商户经营异常状态的恢复）",
            "repairable_reasons": ["annual_report_overdue", "unreachable_address"],
            "materials": LIST_MATERIALS,
        },
        "cooperative_abnormal_list": {
            "article": "国市监信规〔2021〕3号（农民专业合作社经营异常名录的移出）",
            "repairable_reasons": ["annual_report_overdue", "false_information",
                                   "unreachable_address"],
            "materials": LIST_MATERIALS,
        },
    },
}

COMMON_STEPS = ("办理流程：登录 → 阅读并确认本指南 → 确认市场主体身份并确认办理须知 → 选择需修复的记录"
                "（仅可选择符合条件的记录）→ 填写申请信息并上传材料 → 提交，取得受理编号。"
                "受理机关自收到申请之日起 2 个工作日内作出是否受理的决定。")
GUIDES = {
    "penalty_publicity": ("行政处罚信息信用修复办事指南", (
        "适用对象：市场监督管理部门作出的行政处罚信息被公示的市场主体。\n"
        "申请条件：公示期满 6 个月（食品、药品、特种设备领域满 1 年），已履行行政处罚决定规定的义务，"
        "已消除危害后果和不良社会影响，未再受到同一类别的行政处罚，未被列入经营异常名录或严重违法失信名单。\n"
        "不予修复：受到责令停产停业、限制开展生产经营活动、限制从业、降低资质等级、吊销许可证件、"
        "吊销营业执照等处罚的。仅受警告、通报批评或较低数额罚款的，公示期满自动停止公示。\n"
        "所需材料：信用修复申请书、守信承诺书、履行法定义务纠正违法行为的相关材料；"
        "需填写事实和理由，并由企业电子签章、法定代表人签名。\n"
        "办理时限：受理后 15 个工作日内作出决定。\n")),
    "other_department_penalty": ("其他部门行政处罚信息信用修复办事指南", (
        "适用对象：其他部门作出、由市场监管部门公示的行政处罚信息。\n"
        "申请条件：已取得作出处罚的部门出具的信用修复决定或证明。\n"
        "所需材料：信用修复申请书、守信承诺书、其他部门的信用修复决定；需填写事实和理由并完成签章签名。\n"
        "办理流程：登记机关所在地区局信用监管科初审、复审。\n"
        "办理时限：受理后 5 个工作日内作出决定。\n")),
    "serious_illegal_list": ("严重违法失信名单信用修复办事指南", (
        "适用对象：被列入严重违法失信名单的企业。\n"
        "申请条件：被列入满 1 年，已履行相关义务，未再被列入严重违法失信名单，并作出信用承诺。"
        "列入满 3 年的由系统自动移出，无需申请。\n"
        "所需材料：信用修复申请书、守信承诺书、履行法定义务的证明材料。\n"
        "办理时限：受理后 15 个工作日内作出决定。\n")),
    "abnormal_operation_list": ("经营异常名录移出办事指南", (
        "适用对象：被列入经营异常名录的企业。\n"
        "申请条件：未按期公示年度报告的，已补报；未按责令期限公示即时信息的，已公示；"
        "公示信息隐瞒真实情况、弄虚作假的，已更正；通过登记的住所或经营场所无法联系的，"
        "已办理住所变更登记或证明可以联系。\n"
        "所需材料：信用修复申请书、守信承诺书、补报、更正或可联系的证明材料。\n"
        "办理时限：受理后 5 个工作日内作出决定。\n")),
    "individual_abnormal_status": ("个体工商户经营异常状态恢复办事指南", (
        "适用对象：被标记为经营异常状态的个体工商户。\n"
        "申请条件：未按规定报送年度报告的，已补报；通过登记的经营场所无法联系的，已证明可以联系。\n"
        "所需材料：信用修复申请书、守信承诺书、补报或可联系的证明材料。\n"
        "办理时限：受理后 5 个工作日内作出决定。\n")),
    "cooperative_abnormal_list": ("农民专业合作社经营异常名录移出办事指南", (
        "适用对象：被列入经营异常名录的农民专业合作社。\n"
        "申请条件：未按规定报送年度报告的，已补报；年度报告隐瞒真实情况、弄虚作假的，已更正；"
        "通过登记的住所无法联系的，已证明可以联系。\n"
        "所需材料：信用修复申请书、守信承诺书、补报、更正或可联系的证明材料。\n"
        "办理时限：受理后 5 个工作日内作出决定。\n")),
}
LEGAL_NOTICE = ("信用修复办理须知", (
    "一、申请人应当如实提交申请材料，对材料的真实性、合法性负责。\n"
    "二、提供虚假材料或者作出不实承诺的，信用修复决定将被撤销，相关记录恢复公示，并依法追究责任。\n"
    "三、申请人通过本系统办理即视为认可电子签章、电子签名与手写签名或者盖章具有同等法律效力。\n"
    "四、办理进度和结果将通过短信及站内消息告知登录手机号。"))

UPGRADE = """
CREATE TABLE applicants (
    id         UUID PRIMARY KEY,
    phone      TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE applicant_phones (
    applicant_id UUID NOT NULL REFERENCES applicants (id),
    phone        TEXT NOT NULL,
    proven_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (applicant_id, phone)
);
CREATE INDEX applicant_phones_phone ON applicant_phones (phone);

CREATE TABLE guides (
    kind           TEXT NOT NULL CHECK (kind IN ('guide', 'legal_notice')),
    record_type    TEXT NOT NULL,
    version        INTEGER NOT NULL,
    effective_from DATE NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    PRIMARY KEY (kind, record_type, version)
);
CREATE TABLE acknowledgements (
    id              BIGSERIAL PRIMARY KEY,
    applicant_id    UUID NOT NULL REFERENCES applicants (id),
    kind            TEXT NOT NULL,
    record_type     TEXT NOT NULL,
    version         INTEGER NOT NULL,
    acknowledged_at TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (kind, record_type, version) REFERENCES guides (kind, record_type, version)
);
CREATE INDEX acknowledgements_applicant ON acknowledgements (applicant_id, kind, record_type);

CREATE TABLE rule_versions (
    version        TEXT PRIMARY KEY,
    effective_from DATE NOT NULL UNIQUE,
    source         TEXT NOT NULL,
    rules          JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_by     TEXT
);

CREATE TABLE applicant_subjects (
    applicant_id         UUID NOT NULL REFERENCES applicants (id),
    subject_code         TEXT NOT NULL,
    subject              JSONB NOT NULL,
    method               TEXT NOT NULL CHECK (method IN ('phone', 'manual')),
    legal_notice_version INTEGER NOT NULL,
    bound_at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (applicant_id, subject_code)
);

ALTER TABLE applications ALTER COLUMN acceptance_number DROP NOT NULL;
ALTER TABLE applications ALTER COLUMN submitted_at DROP NOT NULL;
ALTER TABLE applications
    ADD COLUMN applicant_id UUID REFERENCES applicants (id),
    ADD COLUMN subject JSONB,
    ADD COLUMN records JSONB NOT NULL DEFAULT '[]',
    ADD COLUMN form JSONB NOT NULL DEFAULT '{}',
    ADD COLUMN rule_version TEXT,
    ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN decided_at TIMESTAMPTZ;
CREATE INDEX applications_applicant ON applications (applicant_id, created_at DESC);
CREATE INDEX applications_contact_phone ON applications ((form->>'contact_phone'));

-- a record can be in at most one open application: the database says so, whoever races
CREATE TABLE application_records (
    application_id UUID NOT NULL REFERENCES applications (id),
    record_id      UUID NOT NULL,
    open           BOOLEAN NOT NULL DEFAULT true,
    PRIMARY KEY (application_id, record_id)
);
CREATE UNIQUE INDEX application_records_one_open ON application_records (record_id) WHERE open;

CREATE TABLE materials (
    id             UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    sha256         TEXT NOT NULL,
    uploaded_at    TIMESTAMPTZ NOT NULL,
    removed_at     TIMESTAMPTZ
);
CREATE INDEX materials_application ON materials (application_id);

CREATE TABLE signatures (
    id             UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    kind           TEXT NOT NULL CHECK (kind IN ('e_seal', 'legal_rep_signature')),
    content_hash   TEXT NOT NULL,
    signer         TEXT,
    token_hash     TEXT UNIQUE,
    expires_at     TIMESTAMPTZ,
    signed_at      TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX signatures_application ON signatures (application_id);

CREATE TABLE application_events (
    id             BIGSERIAL PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications (id),
    occurred_at    TIMESTAMPTZ NOT NULL,
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    actor          TEXT NOT NULL,
    note           TEXT
);
CREATE INDEX application_events_application ON application_events (application_id, id);
CREATE FUNCTION refuse_timeline_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'application_events is append-only';
END $$;
CREATE TRIGGER application_events_append_only BEFORE UPDATE OR DELETE ON application_events
    FOR EACH ROW EXECUTE FUNCTION refuse_timeline_change();

CREATE TABLE application_versions (
    application_id UUID NOT NULL REFERENCES applications (id),
    version_no     INTEGER NOT NULL,
    snapshot       JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (application_id, version_no)
);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS application_versions, application_events, signatures, materials,
    application_records, applicant_subjects, rule_versions, acknowledgements, guides,
    applicant_phones CASCADE;
DROP FUNCTION IF EXISTS refuse_timeline_change();
DROP INDEX IF EXISTS applications_applicant;
DROP INDEX IF EXISTS applications_contact_phone;
ALTER TABLE applications DROP COLUMN IF EXISTS applicant_id, DROP COLUMN IF EXISTS subject,
    DROP COLUMN IF EXISTS records, DROP COLUMN IF EXISTS form,
    DROP COLUMN IF EXISTS rule_version, DROP COLUMN IF EXISTS created_at,
    DROP COLUMN IF EXISTS decided_at;
DROP TABLE IF EXISTS applicants;
"""


def upgrade() -> None:
    op.execute(LOGIN_TABLES_DDL)
    op.execute(UPGRADE)
    connection = op.get_bind()
    connection.execute(text(
        "INSERT INTO rule_versions (version, effective_from, source, rules, created_by) "
        "VALUES ('2021.1', '2021-07-30', :source, CAST(:rules AS jsonb), 'migration')"),
        {"source": "国市监信规〔2021〕3号《市场监督管理信用修复管理办法》及配套规定（2021 年基线）",
         "rules": json.dumps(BASELINE_RULES, ensure_ascii=False)})
    for record_type, (title, body) in GUIDES.items():
        connection.execute(text(
            "INSERT INTO guides (kind, record_type, version, effective_from, title, body) "
            "VALUES ('guide', :t, 1, '2021-07-30', :title, :body)"),
            {"t": record_type, "title": title, "body": body + COMMON_STEPS})
    connection.execute(text(
        "INSERT INTO guides (kind, record_type, version, effective_from, title, body) "
        "VALUES ('legal_notice', '', 1, '2021-07-30', :title, :body)"),
        {"title": LEGAL_NOTICE[0], "body": LEGAL_NOTICE[1]})


def downgrade() -> None:
    op.execute(DOWNGRADE)
    op.execute(DROP_LOGIN_TABLES_DDL)
