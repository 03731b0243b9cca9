"""`erp run-all` (what `make run` starts): web server and job worker as child processes.

Prints the address and the demo logins, forwards Ctrl-C/SIGTERM to both children, and stops
when either of them stops (the other one is then stopped too).
"""

import signal
import socket
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from erp.core.demo import demo_logins
from erp.core.dev_guard import require_loopback_bind

from ._bind import add_bind_arguments, resolve_bind
from ._demo_table import demo_logins_table

# Longer than gunicorn's --graceful-timeout, so the master can stop its own workers.
STOP_GRACE_SECONDS = 20


class Command(BaseCommand):
    help = "Run the web server and the job worker together until Ctrl-C."

    def add_arguments(self, parser):
        add_bind_arguments(parser)
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="passed on to `erp serve`"
        )

    def handle(self, *args, **options):
        bind = resolve_bind(options["host"], options["port"])
        require_loopback_bind(bind)  # the public development key never leaves this machine
        _require_free(bind)
        erp = [sys.executable, "-m", "erp.cli"]
        host, port = bind.rsplit(":", 1)
        extra = ["--no-collectstatic"] if options["no_collectstatic"] else []
        # Our own interpreter and fixed arguments: nothing here comes from outside.
        children = [
            subprocess.Popen([*erp, "serve", f"--host={host}", f"--port={port}", *extra]),  # noqa: S603
            subprocess.Popen([*erp, "worker"]),  # noqa: S603
        ]
        stopping = []

        def forward(signum, _frame):
            stopping.append(signum)
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        if _wait_listening(bind, children):
            self._banner(bind)
        while all(c.poll() is None for c in children):
            time.sleep(0.3)
        forward(signal.SIGTERM, None)
        codes = [_reap(c) for c in children]
        if not stopping:
            sys.exit(next((c for c in codes if c), 1))

    def _banner(self, bind: str) -> None:
        url = f"http://{bind}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"ERP is running: {url}  (Ctrl-C stops it)"))
        self.stdout.write(f"ERP 已启动：{url}  （按 Ctrl-C 停止）")
        table = demo_logins_table(demo_logins())
        if table:
            self.stdout.write("\nDemo logins / 演示账号:\n" + table + "\n")
        self.stdout.flush()


def _require_free(bind: str) -> None:
    # Otherwise whatever holds the port would answer and the banner would lie.
    host, port = bind.rsplit(":", 1)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn: TIME_WAIT is ok
        try:
            sock.bind((host.strip("[]"), int(port)))
        except OSError as exc:
            raise CommandError(
                f"{bind} is already in use ({exc.strerror}): stop the other server or choose "
                f"another address, e.g. ERP_BIND=127.0.0.1:8123.\n"
                f"{bind} 已被占用：请停止占用该端口的程序，或用 ERP_BIND 指定其他地址。"
            ) from None


def _wait_listening(bind: str, children, timeout: float = 30) -> bool:
    host, port = bind.rsplit(":", 1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(c.poll() is None for c in children):
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _reap(child: subprocess.Popen) -> int:
    try:
        return child.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        return child.wait()
