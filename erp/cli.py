"""The `erp` console script: every manage.py command, plus the ERP's own.

`erp check` runs the ERP's integrity checks (each module registers its own) after Django's
system checks; `erp check --deploy` is Django's deployment check. Commands may be written with
dashes (`erp run-all` is the `run_all` command).

Settings default to `config.settings.dev`, so `make run` needs no configuration; with the
public development key those refuse to serve other machines (erp/core/dev_guard.py), while
config/wsgi.py defaults to the production settings. See docs/operations.md ("Security").
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] == "check" and "--deploy" not in argv:
        argv[1] = "erp_check"
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
