"""Development and demo: `make run`. Debug stays off so pages look as they will in production.

Without ERP_SECRET_KEY the secret key is the public one written in base.py: then the site
answers only this machine (erp/core/dev_guard.py): `erp serve`/`erp run-all` refuse to listen
off loopback, and requests from other addresses get 403. A real site uses
config.settings.production (the default of config/wsgi.py), which refuses that key."""

import os

from erp.core.dev_guard import PUBLIC_DEV_SECRET_KEY

from .base import *  # noqa: F403
from .base import MIDDLEWARE, SECRET_KEY

DEBUG = os.environ.get("ERP_DEBUG") == "1"
if SECRET_KEY == PUBLIC_DEV_SECRET_KEY:
    MIDDLEWARE = ["erp.core.dev_guard.PublicDevKeyLoopbackOnlyMiddleware", *MIDDLEWARE]
