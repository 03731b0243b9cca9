"""Development and demo: `make run`. Debug stays off so pages look as they will in production."""

import os

from .base import *  # noqa: F403

DEBUG = os.environ.get("ERP_DEBUG") == "1"
