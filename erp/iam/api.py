"""/api/v1/me and /api/v1/users/. Authenticated by session or Bearer token (erp/core/api.py)."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, Field

from erp.core.access import require_perm
from erp.core.api_crud import actor as _actor
from erp.core.api_pagination import ErpPagination
from erp.iam import selectors
from erp.iam.models import User
from erp.iam.services import users as user_services

router = Router(tags=["iam"])


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    phone: str
    is_active: bool
    language: str
    roles: list[str]

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return selectors.user_role_codes(obj)


class MeOut(UserOut):
    permissions: list[str]

    @staticmethod
    def resolve_permissions(obj: User) -> list[str]:
        return selectors.user_permission_names(obj)


class UserCreateIn(Schema):
    """Exactly these fields; anything else (is_staff, is_superuser, groups, ...) is a 400."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    full_name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=30)
    roles: list[str] = Field(default_factory=list, description="role codes, e.g. sales")


@router.get("/me", response=MeOut)
def me(request: HttpRequest):
    return _actor(request)


@router.get("/users/", response=list[UserOut])
@paginate(ErpPagination)
def users_list(request: HttpRequest, q: str = "", role: str = "", active: str = ""):
    require_perm(_actor(request), "iam.view_user")
    return selectors.user_list(search=q, role=role, active=active)


@router.post("/users/", response={201: UserOut})
def users_create(request: HttpRequest, payload: UserCreateIn):
    user = user_services.user_create(
        actor=_actor(request),
        username=payload.username,
        password=payload.password,
        full_name=payload.full_name,
        phone=payload.phone,
        role_codes=payload.roles,
    )
    return 201, user


@router.get("/users/{user_id}", response=UserOut)
def users_get(request: HttpRequest, user_id: int):
    require_perm(_actor(request), "iam.view_user")
    return selectors.user_get(user_id)


# Departments live in their own module (erp/iam/api_departments.py), mounted here.
from erp.iam.api_departments import router as _departments_router  # noqa: E402

router.add_router("", _departments_router)
