"""URL patterns of kit documents, mounted by the declaring app's urls.py:

    urlpatterns = [..., *kit_urlpatterns("inventory")]

gives, per document, <slug>/ (list, ?export=xlsx), new/, row/, <pk>/, <pk>/edit/, <pk>/print/
and <pk>/<action>/ (POST), named "<code>_list", "_create", "_row", "_detail", "_edit",
"_print" and "_action" in the app's namespace."""

from django.urls import path

from erp.core.doc_kit import views
from erp.core.doc_kit.declaration import DocumentKit, kit_documents_of
from erp.core.list_views import ListPage


def kit_document_urlpatterns(kit: DocumentKit) -> list:
    slug, own = kit.slug, kit.own_pages
    forms = kit.header_form is not None
    pages = [
        ("list", f"{slug}/", ListPage.as_view(config=kit.list_config)),
        ("create", f"{slug}/new/", own.get("create") or (forms and views.KitFormPage)),
        ("row", f"{slug}/row/", kit.line_form is not None and views.KitLineRowPage),
        ("detail", f"{slug}/<int:pk>/", own.get("detail") or views.KitDetailPage),
        ("edit", f"{slug}/<int:pk>/edit/", own.get("edit") or (forms and views.KitFormPage)),
        ("print", f"{slug}/<int:pk>/print/", own.get("print") or views.KitPrintPage),
        ("action", f"{slug}/<int:pk>/<slug:action>/", own.get("action") or views.KitActionPage),
    ]
    return [
        path(route, *_view(view, kit), name=kit.url_name(page).split(":", 1)[1])
        for page, route, view in pages
        if view
    ]


def _view(view, kit: DocumentKit) -> tuple:
    """(view,) or (view, default kwargs): an own page may be given as (view, {"kind": ...})."""
    if isinstance(view, tuple):
        return view
    if isinstance(view, type) and issubclass(view, views.KitView):
        return (view.as_view(kit=kit),)
    return (view,)


def kit_urlpatterns(app: str) -> list:
    return [p for kit in kit_documents_of(app) for p in kit_document_urlpatterns(kit)]
