"""/api/v1/setup: the first-run set-up wizard (首次设置) for an installer script, through the
wizard's own form checks and service (erp/golive/services/setup.py).

    GET  /setup   whether set-up is still needed, the accounting standards, the default month
    POST /setup   (multipart form, like the page; `logo` optional) → 201 with an API token for
                  the new administrator, shown once

No login: there is no user yet. The one-time token printed by `erp setup --no-demo` is
required — the loopback address alone, which admits the page, does not admit the API: the
API does not check CSRF, so a web page open in a browser on the server could otherwise post
here and claim the administrator."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Schema
from ninja.files import UploadedFile

from erp.core.errors import ValidationFailed
from erp.golive.api import router
from erp.golive.forms_setup import STANDARDS, SetupForm, next_month
from erp.golive.services.setup import setup_access_check, setup_complete, setup_needed
from erp.iam.services.tokens import api_token_create

TAGS = ["golive: setup"]
TOKEN_ONLY: dict = {}  # request META without a peer address: only the set-up token admits


class StandardOut(Schema):
    value: str
    label: str


class SetupStateOut(Schema):
    needed: bool  # false: a user exists; log in instead
    standards: list[StandardOut]
    first_period_default: str  # YYYY-MM, the month after this one


class SetupIn(Schema):
    token: str  # printed by `erp setup --no-demo`
    company_name: str
    uscc: str = ""
    address: str = ""
    phone: str = ""
    standard: str = "enterprise"  # enterprise 企业会计准则 | small 小企业会计准则
    first_period: str  # go-live month YYYY-MM
    admin_username: str
    admin_full_name: str = ""
    admin_password: str


class SetupDoneOut(Schema):
    company_name: str
    admin_username: str
    go_live_date: dt.date
    api_token: str  # Bearer token of the administrator; shown this once
    next: str


@router.get("/setup", auth=None, response=SetupStateOut, tags=TAGS)
def setup_state(request: HttpRequest):
    return {
        "needed": setup_needed(),
        "standards": [{"value": v, "label": str(label)} for v, label in STANDARDS],
        "first_period_default": next_month(),
    }


def _form(payload: SetupIn, logo: UploadedFile | None) -> SetupForm:
    """The page's form, so the API refuses exactly what the page refuses."""
    data = {**payload.dict(), "admin_password2": payload.admin_password}
    form = SetupForm(data, {"logo": logo} if logo is not None else None)
    if not form.is_valid():
        raise ValidationFailed(
            fields={name: [str(e) for e in errors] for name, errors in form.errors.items()}
        )
    return form


@router.post("/setup", auth=None, response={201: SetupDoneOut}, tags=TAGS)
def setup_run(request: HttpRequest, payload: Form[SetupIn], logo: File[UploadedFile] | None = None):
    """Create the company, its chart of accounts and posting rules, the periods of the go-live
    year, the go-live date and the first administrator, in one transaction. 409 `setup_done`
    once a user exists; 403 `setup_forbidden` without a valid token."""
    setup_access_check(meta=TOKEN_ONLY, token=payload.token)
    data = _form(payload, logo).setup_data()
    admin = setup_complete(meta=TOKEN_ONLY, token=payload.token, data=data)
    _token, secret = api_token_create(actor=admin, name=str(_("set-up wizard (API)")))
    return 201, {
        "company_name": data.company_name,
        "admin_username": admin.get_username(),
        "go_live_date": data.first_period,
        "api_token": secret,
        "next": "/api/v1/go-live/cockpit",
    }
