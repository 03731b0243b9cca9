"""The sandbox: hostile templates are refused with a clear message naming the line, or render
harmlessly; record text prints literally; limits stop long loops and huge values."""

import time

import pytest

from erp.core.doc_kit.declaration import kit_get
from erp.printing.context import sample_context
from erp.printing.sandbox import PrintTemplateError, render


@pytest.fixture(scope="module")
def ctx():
    return sample_context(kit_get("sales.deliverynote"))


HOSTILE = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ doc.customer.__class__.objects.all() }}",
    "{{ doc.__class__ }}",
    "{{ lines.__class__.__base__.__subclasses__() }}",
    "{{ settings.SECRET_KEY }}",
    "{{ config }}",
    "{{ request }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% extends 'base.html' %}",
    "{{ range.__self__ }}",
    "{{ lipsum() }}",
    "{{ 'x'.format(1) }}",
    "{{ '%999999999d' % 1 }}",
    "{{ 'x'.ljust(999999999) }}",
    "{{ 'x' * 999999999 }}",
    "{{ 2 ** 100000 }}",
    "{% set a = 2 ** 1000 %}{{ a ** 1000 }}",
    "{{ [1] * 999999999 }}",
    "{{ 'x'|center(999999999) }}",
    "{{ doc.note|safe }}",
    "{{ lines|batch(999999999, 'x')|list }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}{% endfor %}{% endfor %}",
    "{% set r = range(100000) %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}",
    "{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f('xxxxxxxxxx') }}",
    "{% set a = 'x' * 900000 %}{% set b = a ~ a %}{{ b }}",
    "{{ ([[1] * 1000] * 1000)|sum(start=[]) }}",
    "{{ [1] * 200000 }}",
    "{{ lines.append(1) }}",
    "{{ doc.update({'number': 1}) }}",
    "{% set x = lines.pop() %}",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_templates_refused_with_a_clear_message(ctx, source, monkeypatch):
    monkeypatch.setattr("erp.printing.sandbox.RENDER_SECONDS", 0.3)
    started = time.monotonic()
    with pytest.raises(PrintTemplateError) as exc:
        render("<p>ok</p>\n" + source, ctx)
    assert time.monotonic() - started < 5
    message = str(exc.value.message)
    assert exc.value.line == 2 or "output is larger" in message
    assert "SECRET" not in message and "root:" not in message


def test_a_line_number_names_the_broken_line(ctx):
    with pytest.raises(PrintTemplateError) as exc:
        render("<p>1</p>\n<p>2</p>\n{{ doc.nothing_here }}", ctx)
    assert exc.value.line == 3


def test_syntax_error_names_its_line(ctx):
    with pytest.raises(PrintTemplateError) as exc:
        render("<p>1</p>\n{% for x in lines %}\n", ctx)
    assert exc.value.line in (2, 3)


def test_record_text_prints_literally(ctx):
    context = {**ctx, "doc": {**ctx["doc"], "note": "{{7*7}} <script>alert(1)</script>"}}
    html = render("{{ doc.note }}", context)
    assert "{{7*7}}" in html and "49" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_ordinary_templates_render(ctx):
    html = render(
        "{% for line in lines %}{{ loop.index }}{{ line.cells|join(',') }}{% endfor %}"
        "{{ 2260|money }} {{ 2260|amount_words }} {{ doc.date|date }} {{ doc.title|upper }}"
        "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ doc.fields.items()|list|length }}"
        "{{ lines|sum(attribute='quantity') }}",
        ctx,
    )
    assert "¥2,260.00" in html and "贰仟贰佰陆拾元整" in html and "2026-03-01" in html


def test_nothing_leaks_between_renders(ctx):
    with pytest.raises(PrintTemplateError):
        render("{% set doc = 1 %}{{ lines.append(1) }}", ctx)
    assert len(ctx["lines"]) == 2 and isinstance(ctx["doc"], dict)
    import sys

    assert sys.gettrace() is None or "erp.printing" not in repr(sys.gettrace())
