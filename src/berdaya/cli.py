"""The `berdaya` command: Django's management commands, with friendlier names.

    berdaya load-areas          # same as `manage.py load_areas`
    berdaya demo
    berdaya runserver 0.0.0.0:8000

Without DJANGO_SETTINGS_MODULE it uses the local settings (SQLite under var/).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "analyze":
        # The analysis library needs no Django (and no database) to run.
        from berdaya.analysis.cli import main as analyze

        sys.exit(analyze(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.config.settings.local")
    if len(args) > 1 and not args[1].startswith("-"):
        # Commands are spelled with hyphens on the command line (`load-areas`)
        # and with underscores as Python modules (`load_areas`).
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
