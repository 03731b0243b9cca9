"""/api/v1/numbering-rules/ (编码规则): list, read and change how document numbers look,
through the core numbering service. Rules are created by the modules that register their
document types (and by the settings page); the API changes `name`, `prefix`, `date_part`,
`counter_width` and `reset` (the reset period only while the rule has issued no number)."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from erp.core import selectors
from erp.core.access import require_perm
from erp.core.api_crud import actor, found
from erp.core.api_pagination import ErpPagination
from erp.core.models import NumberingRule
from erp.core.references import document_type_label
from erp.core.services import numbering

router = Router(tags=["core: numbering"])


class NumberingRuleOut(Schema):
    id: int
    doc_type: str
    doc_type_label: str
    name: str
    prefix: str
    date_part: str
    counter_width: int
    reset: str

    @staticmethod
    def resolve_doc_type_label(obj) -> str:
        return document_type_label(obj.doc_type)


class NumberingRuleDetailOut(NumberingRuleOut):
    next_number: str  # a preview: a posting may take it first

    @staticmethod
    def resolve_next_number(obj) -> str:
        return selectors.numbering_preview(obj)


class NumberingRulePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=100)
    prefix: str | None = Field(None, max_length=20)
    date_part: NumberingRule.DatePart | None = None
    counter_width: int | None = Field(None, ge=1, le=12)
    reset: NumberingRule.Reset | None = None


@router.get("/numbering-rules/", response=list[NumberingRuleOut])
@paginate(ErpPagination, page_size=100)
def numbering_rules_list(request: HttpRequest, doc_type: str = Query("", max_length=60)):
    require_perm(actor(request), "core.view_numberingrule")
    qs = selectors.numbering_rules_list()
    return qs.filter(doc_type__startswith=doc_type) if doc_type else qs


@router.get("/numbering-rules/{rule_id}", response=NumberingRuleDetailOut)
def numbering_rules_get(request: HttpRequest, rule_id: int):
    require_perm(actor(request), "core.view_numberingrule")
    return found(selectors.numbering_rule_get(rule_id))


@router.patch("/numbering-rules/{rule_id}", response=NumberingRuleDetailOut)
def numbering_rules_update(request: HttpRequest, rule_id: int, payload: NumberingRulePatch):
    """Change the given fields; numbers already issued keep their form."""
    fields = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    fields = {k: str(v) if k in ("date_part", "reset") else v for k, v in fields.items()}
    numbering.numbering_rule_update(actor=actor(request), rule_id=rule_id, **fields)
    return found(selectors.numbering_rule_get(rule_id))
