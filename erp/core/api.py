"""The REST API root: /api/v1/. Each app adds its router in `erp/<app>/api.py` and registers
it here. Errors use {"code", "message", "details"} with 400/401/403/404/409."""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth

from erp.core.errors import DomainError
from erp.iam.api_auth import ApiTokenAuth

api = NinjaAPI(
    title="ERP API",
    version="1",
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionAuth()],  # token first: see erp/iam/api_auth.py
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    from django.utils.translation import gettext as _

    if exc.status_code == 403 and "CSRF" in str(exc):
        body = {
            "code": "csrf_failed",
            "message": _(
                "The security token (CSRF) is missing or wrong. Reload the page and try again, "
                "or call the API with a Bearer token."
            ),
            "details": {},
        }
    else:
        body = {"code": f"http_{exc.status_code}", "message": str(exc), "details": {}}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    from erp.core.errors import NotFound

    return api.create_response(request, NotFound().as_dict(), status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    from django.utils.translation import gettext as _

    body = {
        "code": "unauthenticated",
        "message": _("Log in or send a valid API token (Authorization: Bearer ...)."),
        "details": {},
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    from django.utils.translation import gettext as _

    body = {
        "code": "validation_failed",
        "message": _("The request body or parameters are not valid. See details."),
        "details": {"errors": exc.errors},
    }
    return api.create_response(request, body, status=400)


@api.exception_handler(OverflowError)
def _number_too_large(request, exc):
    """A number in the query or path beyond what the database stores (SQLite: 2^63) is the
    caller's mistake, not a server error."""
    from django.utils.translation import gettext as _

    body = {
        "code": "number_too_large",
        "message": _("A number in the request is too large. Send a smaller value."),
        "details": {},
    }
    return api.create_response(request, body, status=400)


def api_register_app_routers() -> None:
    """Mount `router` from each ERP app's api.py (erp/<app>/api.py) under /api/v1/.

    Routers declare full resource paths (`/materials/`, `/materials/{id}`)."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("erp.") or config.name == "erp.core":
            continue
        module_name = f"{config.name}.api"
        if find_spec(module_name) is None:
            continue
        router = getattr(import_module(module_name), "router", None)
        if router is not None:
            api.add_router("/", router)
    # core's own resources (core is plumbing: it has no app router of its own).
    from erp.core.api_numbering import router as numbering_router

    api.add_router("/", numbering_router)
