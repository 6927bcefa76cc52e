"""What a version of the eligibility rules may say, as a schema: a new version is checked
against it before it is stored, so a typo (``min_publicity_month``), a wrong type or an
unknown penalty kind is refused with each field named instead of silently changing
eligibility. A record type the version leaves out cannot be applied for while it is in
force (``TYPE_NOT_REPAIRABLE``). Plain Python (pydantic)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credit_common.contracts.vocabulary import (ListingReason, PenaltyDomain, PenaltyKind,
                                                RecordType)
from credit_common.errors import ValidationFailed
from credit_common.validation import describe, field_errors

from intake.domain.materials import MATERIAL_KINDS
from intake.domain.subject_conditions import OBLIGATION_MODES

MaterialKind = Literal[tuple(MATERIAL_KINDS)]
ListType = Literal[RecordType.serious_illegal_list.value,
                   RecordType.abnormal_operation_list.value,
                   RecordType.individual_abnormal_status.value,
                   RecordType.cooperative_abnormal_list.value]
Months = Annotated[int, Field(ge=0, le=120)]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article: str = Field(min_length=1, max_length=500)
    repairable: bool = True
    materials: list[MaterialKind] = Field(default_factory=list)
    facts_and_reasons_required: bool = False
    signing_required: bool = False
    obligations_fulfilled: Literal[OBLIGATION_MODES] | None = None

    @model_validator(mode="after")
    def _proof_can_be_uploaded(self):
        if self.obligations_fulfilled == "proof_when_unknown" and \
                "fulfilment_proof" not in self.materials:
            raise ValueError("obligations_fulfilled 为 proof_when_unknown 时，"
                             "materials 须包含 fulfilment_proof（履行义务的证明材料）")
        return self


class PenaltyRule(_Rule):
    min_publicity_months: Months | None = None
    min_publicity_months_by_domain: dict[PenaltyDomain, Months] = Field(default_factory=dict)
    not_repairable_penalty_kinds: list[PenaltyKind] = Field(default_factory=list)
    short_publicity_penalty_kinds: list[PenaltyKind] = Field(default_factory=list)
    low_fine_threshold: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    not_listed_now: list[ListType] = Field(default_factory=list)
    no_same_kind_penalty_since: bool = False


class ListingRule(_Rule):
    min_listed_months: Months | None = None
    repairable_reasons: list[ListingReason] | None = None
    no_new_listing_since: bool = False


class RecordTypeRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    penalty_publicity: PenaltyRule | None = None
    other_department_penalty: PenaltyRule | None = None
    serious_illegal_list: ListingRule | None = None
    abnormal_operation_list: ListingRule | None = None
    individual_abnormal_status: ListingRule | None = None
    cooperative_abnormal_list: ListingRule | None = None

    @model_validator(mode="after")
    def _some_type(self):
        if not self.model_fields_set:
            raise ValueError("规则内容须按记录类型给出，至少一类")
        return self


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_types: RecordTypeRules


def check(rules: dict) -> None:
    """ValidationFailed ``INVALID_RULES`` naming every field that is wrong."""
    try:
        Rules.model_validate(rules)
    except ValidationError as exc:
        errors = field_errors(exc, "rules")
        raise ValidationFailed("INVALID_RULES", "规则内容不符合要求：" + describe(errors, 300),
                               {"errors": errors}) from None
