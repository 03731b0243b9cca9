"""`erp serve`: the production web server (gunicorn; whitenoise serves the static files)."""

import os
import sys

from django.core.management.base import BaseCommand

from erp.core.dev_guard import require_loopback_bind

from ._bind import add_bind_arguments, resolve_bind
from ._static import collectstatic_if_stale


class Command(BaseCommand):
    help = "Serve the ERP with gunicorn on ERP_BIND (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        add_bind_arguments(parser)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ERP_WORKERS", 2)))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ERP_THREADS", 4)))
        parser.add_argument("--timeout", type=int, default=120, help="seconds per request")
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="do not refresh STATIC_ROOT first (already collected, or served elsewhere)",
        )

    def handle(self, *args, **options):
        bind = resolve_bind(options["host"], options["port"])
        require_loopback_bind(bind)  # the public development key never leaves this machine
        if not options["no_collectstatic"]:
            collectstatic_if_stale()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind={bind}",
            f"--workers={options['workers']}",
            f"--threads={options['threads']}",
            f"--timeout={options['timeout']}",
            "--access-logfile=-",
            # One control socket per user by default: two instances would fight over it.
            "--no-control-socket",
            "--graceful-timeout=10",
        ]
        sys.stdout.flush()
        # Replace this process so signals reach gunicorn's master directly.
        os.execv(sys.executable, argv)  # noqa: S606
