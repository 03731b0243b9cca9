"""/api/v1/departments/: the department tree with heads (mounted on the iam router)."""

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from erp.core.access import require_perm
from erp.core.api_crud import actor as _actor
from erp.iam import selectors
from erp.iam.services import departments as services

router = Router(tags=["iam"])


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    head_id: int | None
    is_active: bool
    depth: int = 0
    member_count: int = 0


class DepartmentCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=30)
    name: str = Field(min_length=1, max_length=100)
    parent_id: int | None = None
    head_id: int | None = Field(default=None, description="user id of the department head")


class DepartmentUpdateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    parent_id: int | None = None
    head_id: int | None = None
    is_active: bool = True


def _out(department, depth: int = 0, members: int = 0) -> dict:
    return {
        "id": department.pk,
        "code": department.code,
        "name": department.name,
        "parent_id": department.parent_id,
        "head_id": department.head_id,
        "is_active": department.is_active,
        "depth": depth,
        "member_count": members,
    }


@router.get("/departments/", response=list[DepartmentOut])
def departments_list(request: HttpRequest):
    """Every department in tree order (parents first), with depth and active members."""
    require_perm(_actor(request), "iam.view_department")
    return [_out(n.department, n.depth, n.member_count) for n in selectors.department_tree()]


@router.post("/departments/", response={201: DepartmentOut})
def departments_create(request: HttpRequest, payload: DepartmentCreateIn):
    department = services.department_create(actor=_actor(request), **payload.dict())
    return 201, _out(department)


@router.get("/departments/{department_id}", response=DepartmentOut)
def departments_get(request: HttpRequest, department_id: int):
    require_perm(_actor(request), "iam.view_department")
    return _out(selectors.department_get(department_id))


@router.put("/departments/{department_id}", response=DepartmentOut)
def departments_update(request: HttpRequest, department_id: int, payload: DepartmentUpdateIn):
    department = services.department_update(
        actor=_actor(request), department_id=department_id, **payload.dict()
    )
    return _out(department)
