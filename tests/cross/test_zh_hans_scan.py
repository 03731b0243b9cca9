"""Issue #13 point 3, "Chinese everywhere": every page of the demo, and every kind of audit entry,
read in zh-Hans shows no English word and no raw code (see tests/cross/zh_scan.py for what
counts as a word and what passes: numbers, codes in capitals, units, product names).

Pages: every UI page of config.urls the demo administrator can open (the same enumeration as
test_page_smoke). Audit: every (object type, action) pair the demo wrote, rendered through the
audit log page's own rows (values, actions, notes and object types in words).
"""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from tests.cross.catalogue import PAGES
from tests.cross.pages import is_html, url_or_skip
from tests.cross.zh_scan import foreign_in_text, foreign_words

pytestmark = pytest.mark.django_db

# Words that are names of things a developer or administrator types, not UI language: the role
# file and the command that applies it, shown in the role pages' instructions.
ADMIN_NAMES = {"erp/iam/roles.toml", "sync_roles"}

# Known gaps, each with the reason (page name or audit object type -> words); remove an entry
# when it is fixed. None at present.
KNOWN_GAPS: dict[str, set[str]] = {}


def _allowed() -> set[str]:
    from django.apps import apps

    from erp.iam.models import ApiToken, User

    allowed = set(ADMIN_NAMES) | set(User.objects.values_list("username", flat=True))
    # An API token's prefix is a random identifier (erp_ + 8 random characters) shown so its
    # owner can tell tokens apart; the scan only flags it when the draw holds no digit or dash.
    allowed |= set(ApiToken.objects.values_list("prefix", flat=True))
    # The test settings add test-only document apps (tests.docapp, tests.approvaldoc) whose
    # models are named in English; they never exist on a site.
    for config in apps.get_app_configs():
        if config.name.startswith("tests."):
            for model in config.get_models():
                allowed |= set(str(model._meta.verbose_name).split())
                allowed |= set(str(model._meta.verbose_name_plural).split())
    # ... and tests.approvaldoc registers itself as an approval subject with English labels.
    from erp.approvals.contract import doc_type_choices, subject_for

    for subject in (subject_for(doc_type) for doc_type, _label in doc_type_choices()):
        if subject.model._meta.app_config.name.startswith("tests."):
            allowed |= set(str(subject.label).split())
            for _kind, label in subject.extra_fields.values():
                allowed |= set(str(label).split())
    return allowed


@pytest.mark.parametrize("page", [p for p in PAGES if not p.is_action], ids=str)
def test_page_shows_no_english_in_zh_hans(demo, demo_user, page):
    url = url_or_skip(page)
    client = Client()
    client.force_login(demo_user("admin"))
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    if response.status_code != 200 or not is_html(response):
        pytest.skip(f"{page}: {response.status_code} {response.get('Content-Type', '')}")
    allowed = _allowed() | KNOWN_GAPS.get(page.name, set())
    found = foreign_words(response.content.decode(), allowed)
    assert not found, f"{page} ({url}) shows English or raw codes: {sorted(found)}"


def test_every_audit_entry_type_reads_in_chinese(demo):
    """One event of each (object type, action) the demo wrote, rendered as the audit pages
    render them: no True/False, no choice or state codes, no foreign-key ids as bare numbers
    where a name exists, no raw action or object type."""
    from erp.core.models import AuditEvent
    from erp.core.selectors import audit_rows

    firsts = {}
    for event in AuditEvent.objects.order_by("id"):
        firsts.setdefault((event.object_type, event.action), event)
    assert len(firsts) > 20, "the demo should write many kinds of audit events"
    allowed = _allowed()
    problems = {}
    with translation.override("zh-hans"):
        for (object_type, action), row in zip(firsts, audit_rows(firsts.values()), strict=True):
            html = render_to_string("core/_audit_trail.html", {"audit_rows": [row]})
            ok = allowed | KNOWN_GAPS.get(object_type, set())
            found = foreign_words(html, ok) | foreign_in_text(row.object_type_label, ok)
            if found:
                problems[f"{object_type} {action}"] = sorted(found)
    assert not problems, problems


def test_audit_lines_name_materials_not_ids(demo):
    """A document's lines in the audit trail read "RM-1001 400 (S001-261206-01)", never
    "1:400.0000:" (ids and colons, issue #13: seen on the goods receipt's trail)."""
    import re

    from erp.core.models import AuditEvent

    raw = re.compile(r"^\d+:")
    seen, problems = 0, {}
    for event in AuditEvent.objects.order_by("id"):
        pair = event.changes.get("lines") if isinstance(event.changes, dict) else None
        if not pair:
            continue
        values = [v for side in pair if isinstance(side, list) for v in side]
        seen += len(values)
        bad = [v for v in values if raw.match(str(v))]
        if bad:
            problems.setdefault(event.object_type, bad[:2])
    assert seen > 50, "the demo should write documents with lines"
    assert not problems, problems
