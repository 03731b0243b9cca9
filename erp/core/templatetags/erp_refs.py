"""单据联查 in templates: `{% load erp_refs %}{% docref obj.source_type obj.source_id %}` renders
类型名 + number + link; `{{ type|doctype_label }}` the type's name. Lists attach refs in one query
per type with erp.core.references.refs_attach instead."""

from django import template

from erp.core.references import document_ref, document_type_label

register = template.Library()


@register.simple_tag
def docref(source_type, source_id):
    if not source_type:
        return ""
    return document_ref(source_type, source_id).link


@register.filter
def doctype_label(source_type):
    return document_type_label(source_type) if source_type else ""


@register.filter
def doctype_name(doc_type):
    """A numbering rule's or audit event's type by name: documents by their type name, other
    records by their model's verbose name (inventory.lot -> 批次)."""
    from erp.core.audit_display import object_type_label

    return object_type_label(doc_type) if doc_type else ""
