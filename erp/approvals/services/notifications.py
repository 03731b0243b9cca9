"""In-app notifications, plus e-mail when a mail server is configured."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from erp.approvals.models import Notification

_DEFAULT_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def mail_enabled() -> bool:
    """Mail goes out only where someone configured it: a non-default backend (tests use locmem)
    or an SMTP host other than the default localhost."""
    backend = getattr(settings, "EMAIL_BACKEND", _DEFAULT_BACKEND)
    return backend != _DEFAULT_BACKEND or getattr(settings, "EMAIL_HOST", "localhost") not in (
        "",
        "localhost",
    )


def notify(*, users: Iterable, message: Any, params: dict | None = None, url: str = "") -> int:
    """Create one notification per distinct active user, each rendered in that user's language;
    e-mail them after commit when mail is enabled. Returns how many were created."""
    seen: set[int] = set()
    mails: list[tuple[str, str]] = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
            text = (str(message) % (params or {}))[:300]
        Notification.objects.create(user=user, text=text, url=url)
        if user.email:
            mails.append((user.email, text))
    if mails and mail_enabled():
        transaction.on_commit(lambda: _send(mails, url))
    return len(seen)


def _send(mails: list[tuple[str, str]], url: str) -> None:
    for address, text in mails:
        body = f"{text}\n{url}" if url else text
        send_mail(text[:80], body, None, [address], fail_silently=True)


def notification_mark_read(*, actor, notification_id: int | None = None) -> int:
    """Mark one of the actor's notifications read, or all of them. Only one's own."""
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
