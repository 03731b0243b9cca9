"""Links another module adds to a master-data record page, without the record's app
importing it: production's "where used" (配方反查) on a material, for example.

The module registers a RecordLink from its AppConfig.ready(); the record page shows the links
of its model that the user has the permission for. Fixed configuration written at start-up."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse


@dataclass(frozen=True)
class RecordLink:
    model_label: str  # "masterdata.material"
    label: Any
    url_name: str  # reversed with pk=the record's pk
    permission: str
    icon: str = "bi-link-45deg"


_LINKS: dict[tuple[str, str], RecordLink] = {}


def record_link_register(link: RecordLink) -> None:
    """Registering the same link twice is a no-op; another link under a taken (model, URL
    name) raises ImproperlyConfigured."""
    key = (link.model_label, link.url_name)
    known = _LINKS.get(key)
    if known is not None and known != link:
        raise ImproperlyConfigured(f"record link {key} is registered differently already")
    _LINKS[key] = link


def record_links_for(user, obj) -> list[tuple[Any, str, str]]:
    """(label, url, icon) of the links of `obj`'s model that `user` may follow."""
    label = obj._meta.label_lower
    return [
        (link.label, reverse(link.url_name, kwargs={"pk": obj.pk}), link.icon)
        for (model, _name), link in sorted(_LINKS.items())
        if model == label and user.has_perm(link.permission)
    ]
