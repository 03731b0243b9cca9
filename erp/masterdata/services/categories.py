"""物料分类 (a tree): create, change, upsert by code, (de)activate; cycles are refused."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from erp.core.access import require_perm
from erp.core.errors import BusinessRuleError, NotFound
from erp.masterdata.models import MaterialCategory
from erp.masterdata.services.records import locked, record_save, upsert_outcome

CATEGORY_FIELDS = {"code", "name", "parent", "active"}
MAX_DEPTH = 20


def category_create(*, actor, data: dict) -> MaterialCategory:
    require_perm(actor, "masterdata.add_materialcategory")
    with transaction.atomic():
        category = MaterialCategory()
        record_save(
            actor=actor, obj=category, data=data, allowed=CATEGORY_FIELDS, check=_check_tree
        )
    return category


def category_update(*, actor, category_id: int, data: dict) -> MaterialCategory:
    require_perm(actor, "masterdata.change_materialcategory")
    with transaction.atomic():
        category = locked(MaterialCategory, pk=category_id)
        if category is None:
            raise NotFound()
        record_save(
            actor=actor, obj=category, data=data, allowed=CATEGORY_FIELDS, check=_check_tree
        )
    return category


def category_upsert(*, actor, data: dict) -> tuple[MaterialCategory, str]:
    with transaction.atomic():
        category = locked(MaterialCategory, code=data.get("code"))
        created = category is None
        require_perm(
            actor,
            "masterdata.add_materialcategory" if created else "masterdata.change_materialcategory",
        )
        category = category or MaterialCategory()
        wrote = record_save(
            actor=actor, obj=category, data=data, allowed=CATEGORY_FIELDS, check=_check_tree
        )
    return category, upsert_outcome(created, wrote)


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
