"""The sandbox user templates render in: Jinja2's ImmutableSandboxedEnvironment (no
underscored attributes, no changing lists or dicts), no loader (no include, import or
extends), autoescape on (record text always prints literally), a curated set of filters and
globals, and limits on time, value size and output size.

Templates see only plain dicts, lists, strings, numbers and dates built by
`erp.printing.context` — never a model or a queryset — so there is nothing to reach through.
Time is enforced by a line tracer on the template's own code (an empty nested loop is still
lines) and size by intercepting the operators and filters that can make big values.
"""

import sys
import time
from decimal import Decimal
from functools import cache

from django.utils.translation import gettext_lazy as _
from jinja2 import StrictUndefined, TemplateSyntaxError, filters, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, TemplateError, TemplateNotFound, UndefinedError
from jinja2.runtime import markup_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, safe_range
from jinja2.utils import Cycler, Joiner

from erp.core.errors import BusinessRuleError

MAX_TEMPLATE_CHARS = 200_000
MAX_VALUE_CHARS = 1_000_000  # one string or list made inside a template
MAX_LIST_ITEMS = 100_000  # one list made inside a template (as range's limit)
MAX_OUTPUT_CHARS = 2_000_000  # one rendered copy
MAX_INT_BITS = 4096
RENDER_SECONDS = 2.0
TEMPLATE_FILENAME = "<print-template>"

STR_METHODS = frozenset({"upper", "lower", "strip", "lstrip", "rstrip", "startswith",
                         "endswith", "split", "isdigit"})  # fmt: skip
DICT_METHODS = frozenset({"items", "keys", "values", "get"})


class PrintTemplateError(BusinessRuleError):
    """A template that cannot render: the message names the line and the problem."""

    code = "print_template_invalid"

    def __init__(self, problem, *, line: int | None = None):
        self.line = line
        if line:
            message = _("Template line %(line)s: %(problem)s") % {"line": line, "problem": problem}
        else:
            message = _("Template: %(problem)s") % {"problem": problem}
        super().__init__(message, line=line)


class LimitExceeded(Exception):
    """Raised inside rendering when a limit is hit; turned into a PrintTemplateError."""

    line: int | None = None

    def __init__(self, problem):
        self.problem = problem
        super().__init__(str(problem))


def _too_big() -> LimitExceeded:
    return LimitExceeded(
        _("a value would be larger than %(n)s characters") % {"n": f"{MAX_VALUE_CHARS:,}"}
    )


def _size(value) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list | tuple):
        return len(value)
    return 0


def checked_concat(parts) -> str:
    """The ~ operator, refusing results beyond the value limit before building them."""
    texts = [str(p) for p in parts]
    if sum(len(t) for t in texts) > MAX_VALUE_CHARS:
        raise _too_big()
    return markup_join(parts)


class _Generator(CodeGenerator):
    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class PrintEnvironment(ImmutableSandboxedEnvironment):
    code_generator_class = _Generator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self):
        super().__init__(autoescape=True, undefined=StrictUndefined, loader=None)
        self.checked_concat = checked_concat

    def wrap_str_format(self, value):
        return None  # no str.format / format_map at all (widths make huge strings)

    def is_safe_attribute(self, obj, attr, value) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, str):
            return attr in STR_METHODS  # no format/ljust/center: they make huge strings
        if isinstance(obj, dict):
            return attr in DICT_METHODS or not callable(value)
        if isinstance(obj, Cycler | Joiner) or type(obj).__name__ == "LoopContext":
            return True
        return not callable(value)  # plain values: read attributes (date.year), call nothing

    def call_binop(self, context, operator, left, right):
        if operator == "%" and isinstance(left, str):
            raise SecurityError(str(_("use the filters to format text, not the percent operator")))
        if operator == "**":
            if isinstance(left, int) and isinstance(right, int):
                if abs(right) > 1024 or abs(left).bit_length() * abs(right) > MAX_INT_BITS:
                    raise _too_big()
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                    raise _too_big()
        if operator == "+" and _size(left) + _size(right) > MAX_VALUE_CHARS:
            raise _too_big()
        if (
            operator == "+"
            and isinstance(left, list | tuple)
            and len(left) + _size(right) > MAX_LIST_ITEMS
        ):
            raise _too_big()
        return super().call_binop(context, operator, left, right)


def _check_repeat(seq, times) -> None:
    if isinstance(seq, str | list | tuple) and isinstance(times, int):
        limit = MAX_VALUE_CHARS if isinstance(seq, str) else MAX_LIST_ITEMS
        if len(seq) * max(times, 0) > limit:
            raise _too_big()
        if isinstance(seq, list | tuple) and times > 1:
            if sum(_size(x) for x in seq) * times > MAX_VALUE_CHARS:
                raise _too_big()


def _join(env_or_ctx, value, d="", attribute=None):
    items = list(value)
    if sum(len(str(x)) for x in items) + len(d) * len(items) > MAX_VALUE_CHARS:
        raise _too_big()
    return filters.sync_do_join(env_or_ctx, items, d, attribute)


_join.jinja_pass_arg = filters.sync_do_join.jinja_pass_arg  # type: ignore[attr-defined]


def _replace(eval_ctx, s, old, new, count=None):
    text = str(s)
    if len(text) + text.count(str(old)) * len(str(new)) > MAX_VALUE_CHARS:
        raise _too_big()
    return filters.do_replace(eval_ctx, s, old, new, count)


_replace.jinja_pass_arg = filters.do_replace.jinja_pass_arg  # type: ignore[attr-defined]


def _sum(env, iterable, attribute=None, start=0):
    """Sum of numbers only (a sum of lists or strings is a quadratic copy)."""
    items = list(iterable)
    values = (
        items if attribute is None else list(map(filters.make_attrgetter(env, attribute), items))
    )
    if not all(isinstance(v, int | Decimal | float) for v in [*values, start]):
        raise TemplateError(str(_("sum adds numbers only")))
    return filters.sync_do_sum(env, items, attribute, start)


_sum.jinja_pass_arg = filters.sync_do_sum.jinja_pass_arg  # type: ignore[attr-defined]

# Filters that cannot make a value much bigger than their input (center, indent, wordwrap,
# format, batch, safe and the like are left out: size, or escaping bypassed).
SAFE_FILTERS = ("abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float",
                "int", "last", "length", "list", "lower", "map", "max", "min", "reject",
                "rejectattr", "reverse", "round", "select", "selectattr", "sort", "string",
                "title", "trim", "truncate", "unique", "upper")  # fmt: skip


def _money(value) -> str:
    from erp.core.money import format_cny

    amount = _decimal(value)
    return "" if amount is None else format_cny(amount)


def _qty(value, places=None) -> str:
    from erp.core.templatetags.erp_format import qty

    return qty(_decimal(value), places)


def _date(value, with_time=False) -> str:
    import datetime as dt

    from django.utils import timezone

    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


def _amount_words(value) -> str:
    from erp.core.amount_words import amount_in_words

    amount = _decimal(value)
    return "" if amount is None else amount_in_words(amount)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    return Decimal(str(value))


@cache
def environment() -> PrintEnvironment:
    env = PrintEnvironment()
    env.filters = {name: env.filters[name] for name in SAFE_FILTERS}
    env.filters.update(
        join=_join,
        replace=_replace,
        sum=_sum,
        money=_money,
        qty=_qty,
        date=_date,
        amount_words=_amount_words,
    )
    env.globals = {"range": safe_range, "cycler": Cycler, "joiner": Joiner, "dict": dict}
    env.tests = {k: v for k, v in env.tests.items()}
    return env


def compile_template(source: str):
    """The compiled template, or PrintTemplateError naming the line of a syntax error."""
    if len(source) > MAX_TEMPLATE_CHARS:
        raise PrintTemplateError(
            _("the template is longer than %(n)s characters") % {"n": f"{MAX_TEMPLATE_CHARS:,}"}
        )
    try:
        return environment().from_string(source, template_class=None)
    except TemplateSyntaxError as exc:
        raise PrintTemplateError(
            _("syntax error: %(msg)s") % {"msg": exc.message}, line=exc.lineno
        ) from None


def render(source: str, context: dict) -> str:
    """The template rendered with `context` within the limits, or PrintTemplateError."""
    template = compile_template(source)
    deadline = time.monotonic() + RENDER_SECONDS
    chunks: list[str] = []
    size = 0
    previous = sys.gettrace()
    sys.settrace(_tracer(deadline, template))
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise LimitExceeded(
                    _("the output is larger than %(n)s characters") % {"n": f"{MAX_OUTPUT_CHARS:,}"}
                )
            chunks.append(chunk)
    except Exception as exc:
        raise _as_error(exc) from None
    finally:
        sys.settrace(previous)
    return "".join(chunks)


def _tracer(deadline: float, template):
    """A trace function checking the deadline on every line of the template's own code (the
    compiled code's file is the template's name), leaving other code untraced."""
    code_file = template.root_render_func.__code__.co_filename

    def local(frame, event, arg):
        if time.monotonic() > deadline:
            error = LimitExceeded(
                _("rendering took longer than %(s)s seconds (a loop too long?)")
                % {"s": RENDER_SECONDS}
            )
            error.line = template.get_corresponding_lineno(frame.f_lineno)
            raise error
        return local

    def global_(frame, event, arg):
        if frame.f_code.co_filename == code_file:
            return local(frame, event, arg)
        return None

    return global_


def _as_error(exc: Exception) -> PrintTemplateError:
    line = _template_line(exc)
    if isinstance(exc, PrintTemplateError):
        return exc
    if isinstance(exc, LimitExceeded):
        return PrintTemplateError(exc.problem, line=exc.line or line)
    if isinstance(exc, SecurityError):
        problem = _("not allowed in a print template: %(msg)s") % {"msg": exc}
    elif isinstance(exc, UndefinedError):
        problem = _("unknown field: %(msg)s") % {"msg": exc}
    elif isinstance(exc, TemplateNotFound) or "no loader" in str(exc):
        problem = _("a print template may not include, import or extend other files")
    elif isinstance(exc, TemplateError):
        problem = str(exc)
    else:
        problem = f"{type(exc).__name__}: {exc}"
    return PrintTemplateError(problem, line=line)


def _template_line(exc: Exception) -> int | None:
    """The template line of the innermost frame in template code (Jinja rewrites tracebacks
    so template frames carry template line numbers)."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in ("<template>", TEMPLATE_FILENAME):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
