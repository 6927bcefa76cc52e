"""What a search for subjects or records asks, in plain Python.

Fuzzy name search finds each term anywhere in the name, all terms ANDed (``天河 科技``). The
database answers a term through an index of character bigrams (a 2-character CJK term is one
bigram; trigrams cannot serve it) and rechecks the exact substring; see the repository.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from credit_common.contracts.vocabulary import PublicityState
from credit_common.errors import ValidationFailed
from credit_common.reference.organisation import DISTRICTS

from disclosure.domain.subjects import checked_subject_code

MAX_TERMS = 5
MAX_PAGE_SIZE = 100
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def name_terms(text: str | None) -> list[str]:
    """Split what was typed into terms; each at least one character, at most 5 terms."""
    if not text:
        return []
    terms = [t for t in _SEPARATORS.split(text.strip().lower()) if t]
    if len(terms) > MAX_TERMS:
        raise ValidationFailed("TOO_MANY_TERMS", f"名称检索词最多 {MAX_TERMS} 个",
                               {"field": "name"})
    if any(len(t) > 50 for t in terms):
        raise ValidationFailed("TERM_TOO_LONG", "单个检索词不能超过 50 个字", {"field": "name"})
    return terms


def bigrams(term: str) -> list[str]:
    """The distinct character bigrams of a term; a 1-character term has none."""
    return sorted({term[i:i + 2] for i in range(len(term) - 1)})


def tsquery_for(terms: list[str]) -> str | None:
    """A tsquery ANDing every bigram of every term (lexemes quoted, so any character is
    safe); None when no term is long enough to use the index."""
    lexemes = [b for term in terms for b in bigrams(term)]
    if not lexemes:
        return None
    return " & ".join("'" + b.replace("\\", "\\\\").replace("'", "''") + "'" for b in lexemes)


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class RecordQuery:
    name: list[str] = field(default_factory=list)
    subject_code: str | None = None
    record_type: str | None = None
    listing_reason: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    district_code: str | None = None
    publicity_state: str | None = PublicityState.active
    after: str | None = None
    limit: int = 20

    def validate(self) -> RecordQuery:
        """Refuse what no search can answer; the subject code comes back normalised."""
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationFailed("INVALID_DATE_RANGE", "起始日期不能晚于结束日期",
                                   {"field": "date_from"})
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValidationFailed("INVALID_PAGE_SIZE", f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间",
                                   {"field": "limit"})
        if self.district_code and self.district_code not in DISTRICTS:
            raise ValidationFailed("UNKNOWN_DISTRICT", "未知的区划代码", {"field": "district_code"})
        if self.subject_code:
            self.subject_code = checked_subject_code(self.subject_code)
        if self.after:
            try:
                uuid.UUID(self.after)
            except ValueError:
                raise ValidationFailed("INVALID_CURSOR", "翻页游标无效", {"field": "cursor"}) \
                    from None
        return self
