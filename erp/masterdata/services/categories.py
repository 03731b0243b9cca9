"""物料分类 (a tree): create, change, upsert by code, (de)activate; cycles are refused."""

from django.utils.translation import gettext_lazy as _

from erp.core.errors import BusinessRuleError
from erp.masterdata.models import MaterialCategory
from erp.masterdata.services.records import (
    RecordKind,
    record_create,
    record_update,
    record_upsert,
)

MAX_DEPTH = 20


def _clean(category: MaterialCategory, changed: list[str], created: bool) -> None:
    if created or "parent" in changed:
        _check_tree(category)


CATEGORY = RecordKind(
    model=MaterialCategory,
    add_perm="masterdata.add_materialcategory",
    change_perm="masterdata.change_materialcategory",
    delete_perm="masterdata.delete_materialcategory",
    fields=("code", "name", "parent", "active"),
    clean=_clean,
)
CATEGORY_FIELDS = set(CATEGORY.fields)


def category_create(*, actor, data: dict) -> MaterialCategory:
    return record_create(CATEGORY, actor=actor, data=data, lines={})


def category_update(*, actor, category_id: int, data: dict) -> MaterialCategory:
    return record_update(CATEGORY, actor=actor, pk=category_id, data=data, lines={})


def category_upsert(*, actor, data: dict) -> tuple[MaterialCategory, str]:
    return record_upsert(CATEGORY, actor=actor, key=("code",), data=data, lines={})


def category_set_active(*, actor, category_id: int, active: bool) -> MaterialCategory:
    return category_update(actor=actor, category_id=category_id, data={"active": active})


def _check_tree(category: MaterialCategory) -> None:
    """Refuse a parent that is the category itself or one of its descendants."""
    parent_id = category.parent_id
    seen = 0
    while parent_id is not None:
        if category.pk is not None and parent_id == category.pk:
            raise BusinessRuleError(
                _(
                    "Category %(code)s cannot be placed under itself or one of its "
                    "sub-categories. Choose a parent outside its branch."
                )
                % {"code": category.code},
                code="category_cycle",
                fields={"parent": [_("This parent would make a loop in the category tree.")]},
            )
        seen += 1
        if seen > MAX_DEPTH:
            raise BusinessRuleError(
                _("The category tree is deeper than %(n)s levels. Choose a higher parent.")
                % {"n": MAX_DEPTH},
                code="category_too_deep",
                fields={"parent": [_("Too many levels above this parent.")]},
            )
        parent_id = (
            MaterialCategory.objects.filter(pk=parent_id)
            .values_list("parent_id", flat=True)
            .first()
        )
