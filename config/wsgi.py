"""WSGI entry point. Without DJANGO_SETTINGS_MODULE a WSGI server gets the production settings,
which refuse to start without a real ERP_SECRET_KEY and ERP_ALLOWED_HOSTS: a server started by
hand (`gunicorn config.wsgi`) never serves with the public development key. `erp serve` and
`make run` pass their own settings module on (the `erp` command defaults to the dev settings,
which stay on 127.0.0.1). See docs/operations.md ("Settings")."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
