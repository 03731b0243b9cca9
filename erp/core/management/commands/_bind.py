"""Where the web server listens: --host/--port, else ERP_BIND, else 127.0.0.1:8000."""

import os

DEFAULT_BIND = "127.0.0.1:8000"


def add_bind_arguments(parser) -> None:
    parser.add_argument("--host", help="address to listen on (default from ERP_BIND or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default from ERP_BIND or 8000)")


def resolve_bind(host: str | None, port: int | None) -> str:
    env_host, _, env_port = os.environ.get("ERP_BIND", DEFAULT_BIND).rpartition(":")
    return f"{host or env_host or '127.0.0.1'}:{port or env_port or 8000}"
