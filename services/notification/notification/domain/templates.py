"""The texts people receive, one Chinese template per kind (plain Python)."""

from __future__ import annotations

from credit_common.errors import ValidationFailed

SIGNATURE = "【广州市场监管】"

SMS_TEMPLATES = {
    "login_code": "您的登录验证码为 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本短信。",
    "prove_phone": "您正在验证该手机号以查询信用修复办理进度，验证码为 {code}，{minutes} 分钟内有效。",
    "status_changed": "您的信用修复申请（受理编号 {acceptance_number}）当前状态：{status_label}。{note}"
                      "详情请登录信用修复平台查看。",
    # 两书同达: the notice issued with an own penalty, its link and the word that it is free
    "repair_notice": "{subject_name}：本机关向你（单位）送达《信用修复告知书》（{number}）。{when}"
                     "信用修复不收取任何费用。查看告知书：{url}",
    "penalty_withdrawn": "{subject_name}：行政处罚决定（{decision_number}）已依据{ruling_kind_label}"
                         "（{ruling_number}）撤销，相关行政处罚信息已停止公示，无需申请信用修复。",
}


#: parameters that are secrets (login codes): never stored, only in the text sent
SECRET_PARAMS = {"login_code": ("code",), "prove_phone": ("code",)}
#: what a secret parameter reads as in storage
MASK = "******"


def is_secret(template: str) -> bool:
    return template in SECRET_PARAMS


def masked_params(template: str, params: dict) -> dict:
    """``params`` fit for storage: each secret parameter replaced by ``MASK``."""
    return {k: (MASK if k in SECRET_PARAMS.get(template, ()) else v) for k, v in params.items()}


def secrets_of(template: str, params: dict) -> tuple[str, ...]:
    return tuple(str(params[k]) for k in SECRET_PARAMS.get(template, ()) if params.get(k))


def render_sms(template: str, params: dict) -> str:
    text = SMS_TEMPLATES.get(template)
    if text is None:
        raise ValidationFailed("UNKNOWN_TEMPLATE", "未知的短信模板", {"template": template})
    try:
        return SIGNATURE + text.format(**params)
    except (KeyError, IndexError):
        raise ValidationFailed("TEMPLATE_PARAMS_MISSING", "短信模板参数不完整",
                               {"template": template}) from None


INBOX_TEMPLATES = {
    "status": ("信用修复申请{status_label}：{acceptance_number}",
               "您的信用修复申请（受理编号 {acceptance_number}）当前状态：{status_label}。{note}"),
    "reminder": ("案件即将到期：{acceptance_number}",
                 "{subject_name} 的信用修复案件（受理编号 {acceptance_number}）将于 {due} 到期，"
                 "当前环节：{status_label}，请及时办理。"),
    "escalation": ("案件已超期：{acceptance_number}",
                   "{subject_name} 的信用修复案件（受理编号 {acceptance_number}）已于 {due} 到期"
                   "仍未办结，当前环节：{status_label}，办理单位：{unit_name}。请督办。"),
}


def render_inbox(kind: str, params: dict) -> tuple[str, str]:
    title, body = INBOX_TEMPLATES[kind]
    return title.format(**params), body.format(**params)
