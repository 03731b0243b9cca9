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
    code, slug = kit.code, kit.slug
    row = [path(f"{slug}/row/", views.KitLineRowPage.as_view(kit=kit), name=f"{code}_row")]
    return [
        path(f"{slug}/", ListPage.as_view(config=kit.list_config), name=f"{code}_list"),
        path(f"{slug}/new/", views.KitFormPage.as_view(kit=kit), name=f"{code}_create"),
        *(row if kit.line_form is not None else []),
        path(f"{slug}/<int:pk>/", views.KitDetailPage.as_view(kit=kit), name=f"{code}_detail"),
        path(f"{slug}/<int:pk>/edit/", views.KitFormPage.as_view(kit=kit), name=f"{code}_edit"),
        path(f"{slug}/<int:pk>/print/", views.KitPrintPage.as_view(kit=kit), name=f"{code}_print"),
        path(
            f"{slug}/<int:pk>/<slug:action>/",
            views.KitActionPage.as_view(kit=kit),
            name=f"{code}_action",
        ),
    ]


def kit_urlpatterns(app: str) -> list:
    return [p for kit in kit_documents_of(app) for p in kit_document_urlpatterns(kit)]
