"""API schemas derived from one another, so a document's create schema is written once.

`patch_schema(OrderIn)` is the PATCH body of a draft: every field of the create schema made
optional (absent = unchanged), constraints such as max_length kept, plus the `version` the
client read (409 when stale). Fields a draft may not change after creation (the customer of a
delivery, the supplier of a receipt) are left out with `exclude`.
"""

import copy

from ninja import Schema
from pydantic import ConfigDict, create_model


class PatchBase(Schema):
    model_config = ConfigDict(extra="forbid")


def patch_schema(create: type[Schema], *, exclude: tuple[str, ...] = (), name: str = "") -> type:
    unknown = set(exclude) - set(create.model_fields)
    if unknown:
        raise TypeError(f"{create.__name__} has no fields {sorted(unknown)}")
    fields = {}
    for field_name, info in create.model_fields.items():
        if field_name in exclude:
            continue
        optional = copy.copy(info)
        optional.default = None
        optional.default_factory = None
        fields[field_name] = (info.annotation | None, optional)
    fields["version"] = (int | None, None)
    patch_name = name or create.__name__.removesuffix("In") + "Patch"
    return create_model(patch_name, __base__=PatchBase, __module__=create.__module__, **fields)
