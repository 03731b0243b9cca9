"""REST endpoints of a kit document, mounted on the declaring app's router:

    GET   /<slug>/                  list: filters, paginated in SQL (count + one page + prefetch)
    POST  /<slug>/                  create a draft (Idempotency-Key)
    GET   /<slug>/{doc_id}          read
    PATCH /<slug>/{doc_id}          edit a draft; "version" in the body → 409 when stale
    POST  /<slug>/{doc_id}/<name>   transition (Idempotency-Key; ?version=N → 409 when stale)

Operation ids are "<code>_list", "_create", "_read", "_update" and "_<transition>". The same
services as the pages; a frozen document answers 409 to edits and transitions.
"""

import inspect

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from erp.core.api_crud import actor
from erp.core.api_pagination import ErpPagination
from erp.core.doc_kit.declaration import DocumentKit, kit_documents_of
from erp.core.errors import NotFound
from erp.core.services.idempotency import idempotent

PAGE_SIZE = 50


def kit_api_queryset(kit: DocumentKit):
    """Documents as the API answers them: lines in one prefetch query per page."""
    return (
        kit.model.objects.select_related(*kit.select_related)
        .prefetch_related(*kit.api_prefetch)
        .order_by("-date", "-pk")
    )


def _one(kit: DocumentKit, doc_id: int, user):
    """The document through the kit's scope: "not found" outside it."""
    doc = kit.visible(user, kit_api_queryset(kit)).filter(pk=doc_id).first()
    if doc is None:
        raise NotFound()
    return doc


def _answer(kit: DocumentKit, user, doc):
    """The document as the API answers it (to `user`: a blind count hides book quantities)."""
    if kit.api_dump is not None:
        return kit.api_dump(user, doc)
    return doc


def _body(kit: DocumentKit, user, doc_id: int) -> dict:
    """A JSON-safe answer, as stored for Idempotency-Key replays."""
    answer = _answer(kit, user, _one(kit, doc_id, user))
    return kit.api_out.model_validate(answer).model_dump(mode="json")


def _page_class(kit: DocumentKit) -> type[ErpPagination]:
    class KitPage(ErpPagination):
        """Counted and sliced in SQL; each document of the page answered like a read."""

        def paginate_queryset(self, queryset, pagination, request, **params):
            page = super().paginate_queryset(queryset, pagination, request, **params)
            if kit.api_dump is not None:
                user = actor(request)
                page["items"] = [kit.api_dump(user, doc) for doc in page["items"]]
            return page

    return KitPage


def _lines(lines) -> list[dict] | None:
    if lines is None:
        return None
    return [{k: v for k, v in ln.items() if v is not None} for ln in lines]


def _header(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("lines", "version")}


def _filter_param(name: str) -> inspect.Parameter:
    annotation = int | None if name.endswith("_id") else str | None
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=None
    )


def kit_api_register(router: Router, kit: DocumentKit) -> None:
    """The endpoints of one document type (see the module docstring)."""
    code, slug = kit.code, kit.resource
    api_in, api_patch, api_out = kit.api_in, kit.api_patch, kit.api_out

    def list_documents(request, **filters):
        user = actor(request)
        qs = kit.visible(user, kit_api_queryset(kit))
        given = {k: v for k, v in filters.items() if v not in (None, "")}
        if kit.api_filter is not None:
            return kit.api_filter(qs, given, user)
        return qs.filter(**given) if given else qs

    request_param = inspect.Parameter(
        "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest
    )
    list_documents.__signature__ = inspect.Signature(
        [request_param, *[_filter_param(n) for n in kit.api_filters]]
    )
    router.get(f"/{slug}/", response=list[api_out], operation_id=f"{code}_list")(
        paginate(_page_class(kit), page_size=PAGE_SIZE)(list_documents)
    )

    @router.get(f"/{slug}/{{doc_id}}", response=api_out, operation_id=f"{code}_read")
    def read_document(request, doc_id: int):
        user = actor(request)
        return _answer(kit, user, _one(kit, doc_id, user))

    if api_in is not None and kit.create is not None:

        @router.post(f"/{slug}/", response={201: api_out}, operation_id=f"{code}_create")
        def create_document(request, body: api_in):
            """Honours the Idempotency-Key header: a retry returns the first answer."""
            data, user = body.dict(), actor(request)

            def create():
                doc = kit.create(
                    actor=user, header=_header(data), lines=_lines(data.get("lines")) or []
                )
                return 201, _body(kit, user, doc.pk)

            return idempotent(
                user=user,
                key=request.headers.get("Idempotency-Key", ""),
                endpoint=f"{slug}.create",
                create=create,
            )

    if api_patch is not None and kit.update is not None:

        @router.patch(f"/{slug}/{{doc_id}}", response=api_out, operation_id=f"{code}_update")
        def update_document(request, doc_id: int, body: api_patch):
            """Drafts only. Send the `version` you read: another edit meanwhile → 409."""
            data, user = body.dict(exclude_unset=True), actor(request)
            kit.update(
                actor=user,
                doc_id=doc_id,
                header=_header(data),
                lines=_lines(data.get("lines")),
                expected_version=data.get("version"),
            )
            return _answer(kit, user, _one(kit, doc_id, user))

    for name, service in kit.transitions.items():
        _transition_register(router, kit, name, service)


def _transition_register(router: Router, kit: DocumentKit, name: str, service) -> None:
    transition = kit.machine.transitions[name]
    body_schema = kit.transition_in.get(name)

    def transition_document(request, doc_id: int, version: int | None = None, body=None):
        """Honours the Idempotency-Key header. `version` (optional): the version you read;
        a different current version → 409 version_conflict."""
        user = actor(request)
        inputs = body.dict() if body is not None else {}

        def run():
            service(actor=user, doc_id=doc_id, expected_version=version, **inputs)
            return 200, _body(kit, user, doc_id)

        return idempotent(
            user=user,
            key=request.headers.get("Idempotency-Key", ""),
            endpoint=f"{kit.resource}.{doc_id}.{name}",
            create=run,
        )

    # The body parameter exists only for a transition that declares inputs (transition_in).
    params = list(inspect.signature(transition_document).parameters.values())[:3]
    params[0] = params[0].replace(annotation=HttpRequest)
    if body_schema is not None:
        params.append(
            inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=body_schema)
        )
    transition_document.__signature__ = inspect.Signature(params)
    router.post(
        f"/{kit.resource}/{{doc_id}}/{name}",
        response={200: kit.api_out},
        operation_id=f"{kit.code}_{name}",
        summary=str(transition.label),
    )(transition_document)


def kit_api_register_app(router: Router, app: str) -> None:
    for kit in kit_documents_of(app):
        kit_api_register(router, kit)
