"""The four endpoints of an API resource, declared once: list, create, read and patch.

An app describes a resource with `Resource` (its path, schemas, permissions and the selector
and service functions to call) and mounts it with `register(router, resource)`:

    register(router, Resource(
        module=__name__, name="customers", path="/customers/", id_name="customer_id",
        model="masterdata.customer", out=CustomerOut, rows=sel.customer_list,
        query=("q", "active", "payment_term_code", "ordering"), detail=sel.customer_detail,
        create_in=CustomerIn, create=lambda actor, payload: ps.customer_create(...),
        patch_in=CustomerPatch, update=lambda actor, pk, payload, current: ...,
    ))

gives GET/POST /customers/ and GET/PATCH /customers/{customer_id}, behaving alike everywhere:
permission first (403), then a uniform 404 for an unknown id, creates honour the
Idempotency-Key header, lists are paginated (`page`, `page_size`). The endpoint functions keep
the names `<name>_list`, `<name>_create`, `<name>_get`, `<name>_update` in `module`, so the
OpenAPI operation ids read as if they were written by hand. Writes stay in the app's services
and reads in its selectors; this module only wires them to HTTP.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from erp.core.access import require_perm
from erp.core.api_pagination import ErpPagination
from erp.core.errors import NotFound
from erp.core.services.idempotency import idempotent

CREATE_DOC = "Honours the Idempotency-Key header: a retry returns the first answer, one record."


def actor(request: HttpRequest):
    """The authenticated user (API token or session) of an API request."""
    return request.auth  # type: ignore[attr-defined]


def found(obj):
    """`obj`, or the uniform 404 when the selector found nothing."""
    if obj is None:
        raise NotFound()
    return obj


@dataclass(frozen=True)
class Resource:
    module: str  # the app's api module (__name__): operation ids are <module>_<name>_<op>
    name: str  # "customers": endpoint functions customers_list, customers_create, ...
    path: str  # "/customers/"
    model: str  # "masterdata.customer": permissions masterdata.view_customer, ...
    out: type[Schema]
    # rows(**query) -> QuerySet, keyword arguments as named in `query`.
    rows: Callable[..., Any]
    # List query parameters, in OpenAPI order: "q" and "ordering" are text, "active" a
    # yes/no/either filter, every other name an exact-match text filter ("" = any).
    query: tuple[str, ...] = ("q", "active", "ordering")
    ordering: str = "code"  # default of the ordering parameter
    detail: Callable[[int], Any] | None = None  # detail(pk) -> record or None
    detail_out: type[Schema] | None = None  # read/patch answer when richer than a list row
    id_name: str = "id"
    create_in: type[Schema] | None = None
    create: Callable[[Any, Any], Any] | None = None  # create(actor, payload) -> record
    # True: a replayed create answers the record as it is now (same id); False: the
    # first answer itself, serialised once and stored.
    replay_current: bool = False
    patch_in: type[Schema] | None = None
    # update(actor, pk, payload, current) -> None; `current` is the detail read before.
    update: Callable[[Any, int, Any, Any], Any] | None = None
    tags: tuple[str, ...] = ()

    def perm(self, action: str) -> str:
        app, model = self.model.split(".")
        return f"{app}.{action}_{model}"

    @property
    def one_out(self) -> type[Schema]:
        return self.detail_out or self.out


def register(router: Router, res: Resource) -> None:
    """Mount the endpoints `res` has the functions for (rows → list, create, detail → read,
    update → patch)."""
    tags = {"tags": list(res.tags)} if res.tags else {}
    item = f"{res.path}{{{res.id_name}}}"
    router.get(res.path, response=list[res.out], **tags)(paginate(ErpPagination)(_list(res)))
    if res.create is not None:
        codes = (201,) if res.replay_current else (200, 201)
        responses = dict.fromkeys(codes, res.one_out)
        router.post(res.path, response=responses, **tags)(_create(res))
    if res.detail is not None:
        router.get(item, response=res.one_out, **tags)(_read(res))
    if res.update is not None:
        router.patch(item, response=res.one_out, **tags)(_patch(res))


def _named(res: Resource, op: str, view: Callable, params: list[inspect.Parameter]) -> Callable:
    """Give `view` the name, module and signature ninja reads (operation id, parameters)."""
    request = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    view.__signature__ = inspect.Signature([request.replace(annotation=HttpRequest), *params])
    view.__name__ = view.__qualname__ = f"{res.name}_{op}"
    view.__module__ = res.module
    return view


def _param(name: str, annotation, default=inspect.Parameter.empty) -> inspect.Parameter:
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    return inspect.Parameter(name, kind, annotation=annotation, default=default)


def _query_param(res: Resource, name: str) -> inspect.Parameter:
    if name == "active":
        return _param(name, bool | None, None)
    return _param(name, str, res.ordering if name == "ordering" else "")


def _list(res: Resource) -> Callable:
    def view(request, **query):
        require_perm(actor(request), res.perm("view"))
        return res.rows(**query)

    return _named(res, "list", view, [_query_param(res, name) for name in res.query])


def _create(res: Resource) -> Callable:
    def view(request, payload):
        user = actor(request)
        require_perm(user, res.perm("add"))

        def create():
            obj = res.create(user, payload)
            if res.replay_current:
                return 201, {"id": obj.pk, "code": obj.code}
            return 201, res.one_out.from_orm(res.detail(obj.pk)).model_dump(mode="json")

        status, body = idempotent(
            user=user,
            key=request.headers.get("Idempotency-Key", ""),
            endpoint=f"{res.path.strip('/')}.create",
            create=create,
        )
        return status, res.detail(body["id"]) if res.replay_current else body

    view.__doc__ = CREATE_DOC
    return _named(res, "create", view, [_param("payload", res.create_in)])


def _read(res: Resource) -> Callable:
    def view(request, **path):
        require_perm(actor(request), res.perm("view"))
        return found(res.detail(path[res.id_name]))

    return _named(res, "get", view, [_param(res.id_name, int)])


def _patch(res: Resource) -> Callable:
    def view(request, payload, **path):
        user, pk = actor(request), path[res.id_name]
        require_perm(user, res.perm("change"))
        current = found(res.detail(pk))
        res.update(user, pk, payload, current)
        return res.detail(pk)

    params = [_param(res.id_name, int), _param("payload", res.patch_in)]
    return _named(res, "update", view, params)
