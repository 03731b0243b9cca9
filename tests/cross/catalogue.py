"""What the ERP serves, found by walking config.urls (so new pages are covered without edits).

`PAGES` lists every UI URL pattern (the API is covered through its OpenAPI schema instead).
`page_url(page)` fills the pattern's arguments from the database at test time:
- int arguments: the model comes from the ListPage whose detail URL shares the route prefix,
  else from the route segment before the argument ("periods" -> Period) or the argument name
  ("log_id" -> ImportLog) matched against the models of the URL namespace's app; the first row
  of that model is used. Where no model matches, or the table is empty, the page is skipped
  with the reason (pytest -ra lists them).
- slug arguments: values other patterns pass as default kwargs for the same name ("kind":
  "receipts"), or the registry keys below for the masterdata picker ("kind": a picker kind).
  `action` slugs name POST-only transitions: a GET on them must answer 405.
"""

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from erp.core.list_views import ListPage


@dataclass(frozen=True)
class Page:
    name: str  # namespaced URL name, e.g. "masterdata:material_list"
    route: str  # full route, e.g. "masterdata/materials/<int:pk>/"
    converters: dict = field(hash=False, compare=False)
    defaults: dict = field(hash=False, compare=False)
    view: object = field(hash=False, compare=False)

    @property
    def app_label(self) -> str:
        return self.name.split(":")[0].split("_")[0]

    @property
    def list_config(self):
        view_class = getattr(self.view, "view_class", None)
        if view_class is not None and issubclass(view_class, ListPage):
            return self.view.view_initkwargs.get("config") or view_class.config
        return None

    @property
    def is_action(self) -> bool:
        return "action" in self.converters

    def __str__(self) -> str:
        return self.name


def _walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Page(
                name=f"{namespace}:{entry.name}" if namespace else entry.name,
                route=prefix + str(entry.pattern),
                converters=dict(getattr(entry.pattern, "converters", {})),
                defaults=dict(entry.default_args),
                view=entry.callback,
            )


def _all_pages() -> list[Page]:
    seen, pages = set(), []
    for page in _walk(get_resolver()):
        if page.route.startswith("api/") or page.name in seen:
            continue
        seen.add(page.name)
        pages.append(page)
    return pages


PAGES = _all_pages()
PAGES_BY_NAME = {p.name: p for p in PAGES}
LIST_PAGES = [p for p in PAGES if p.list_config is not None]


class Unfillable(Exception):
    """The pattern needs an argument this catalogue cannot fill."""


def _slug_values() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for page in PAGES:
        for key, value in page.defaults.items():
            if isinstance(value, str):
                values.setdefault(key, []).append(value)
    return values


SLUG_DEFAULTS = _slug_values()


def _picker_kind() -> str:
    from erp.masterdata.selectors_pickers import PICKERS

    return next(iter(PICKERS))


def _slug(page: Page, name: str) -> str:
    if page.name == "masterdata:picker" and name == "kind":
        return _picker_kind()
    if name == "action":
        return "post"  # any transition name: the pattern itself only takes POST
    if SLUG_DEFAULTS.get(name):
        return SLUG_DEFAULTS[name][0]
    raise Unfillable(f"no known value for slug <{name}>")


def _detail_models() -> dict[str, type]:
    """Route prefix up to the first int argument -> model, from ListPage detail URLs."""
    prefixes = {}
    for page in LIST_PAGES:
        config = page.list_config
        target = PAGES_BY_NAME.get(config.detail_url_name or "")
        if target is not None:
            prefixes[_int_prefix(target.route)] = config.model
    return prefixes


def _int_prefix(route: str) -> str:
    match = re.search(r"<int:\w+>", route)
    return route[: match.end()] if match else route


def _app_models(page: Page) -> list[type]:
    label = page.app_label
    try:
        return list(apps.get_app_config(label).get_models())
    except LookupError:
        return []


def _match_model(page: Page, stem: str) -> type | None:
    """The page's own model named `stem`, else the one model of that name in any app (trace's
    lots/<pk> are inventory lots, not its RecallLot rows), else the page's one model whose
    name ends with it (mrp's parameters -> PlanningParameter)."""
    stem = stem.replace("-", "").replace("_", "").lower()
    models = _app_models(page)
    for candidates in (models, apps.get_models()):
        exact = [m for m in candidates if m.__name__.lower() == stem]
        if len(exact) == 1:
            return exact[0]
    ending = [m for m in models if m.__name__.lower().endswith(stem)]
    return ending[0] if len(ending) == 1 else None


def _model_for(page: Page, arg: str, kwargs: dict) -> type:
    route = page.route
    for key, value in kwargs.items():
        route = re.sub(rf"<\w+:{key}>", str(value), route)
    prefix = _int_prefix(route)
    known = _detail_models()
    for known_prefix, model in known.items():
        filled = re.sub(r"<slug:(\w+)>", lambda m: str(kwargs.get(m.group(1))), known_prefix)
        if _int_prefix(page.route) == known_prefix or filled == prefix:
            return model
    if arg != "pk" and arg.endswith(("_id", "_pk")):  # material_pk names its model
        model = _match_model(page, arg[: -len("_id")])
        if model is not None:
            return model
    segment = prefix.rsplit("/", 1)[0].rsplit("/", 1)[-1]
    singular = segment[:-3] + "y" if segment.endswith("ies") else segment.removesuffix("s")
    for stem in (singular, segment):  # expense-categories -> expensecategory
        model = _match_model(page, stem)
        if model is not None:
            return model
    raise Unfillable(f"no model found for <int:{arg}> in {page.route}")


def page_url(page: Page) -> str:
    kwargs: dict = {}
    for name, converter in page.converters.items():
        if type(converter).__name__ == "SlugConverter":
            kwargs[name] = _slug(page, name)
    for name, converter in page.converters.items():
        if type(converter).__name__ == "IntConverter":
            model = _model_for(page, name, kwargs)
            pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            if pk is None:
                raise Unfillable(f"no {model.__name__} row for {page.route}")
            kwargs[name] = pk
    unknown = set(page.converters) - set(kwargs)
    if unknown:
        raise Unfillable(f"cannot fill {sorted(unknown)} in {page.route}")
    return reverse(page.name, kwargs={k: v for k, v in kwargs.items() if k not in page.defaults})
