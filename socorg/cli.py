"""The `socorg` console command: Django's management commands with settings preset, plus the project's own.

Our commands are written with hyphens on the command line (`socorg add-user`) and live in modules with
underscores (add_user.py), so both spellings work."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socorg.settings")
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
