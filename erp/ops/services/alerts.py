"""E-mail to the administrator address of the schedule settings (nothing when it is empty)."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from erp.ops.selectors import schedule_settings_get

logger = logging.getLogger(__name__)


def alert_send(subject, body) -> bool:
    """Send one alert; a mail server problem is logged, never allowed to hide the original
    failure the alert is about."""
    address = schedule_settings_get().admin_email
    if not address:
        return False
    prefix = f"[ERP {settings.ERP_INSTANCE}] "
    try:
        send_mail(prefix + str(subject), str(body), None, [address])
    except Exception:
        logger.exception("could not send the operations alert %s", subject)
        return False
    return True
