"""The `lentera` command: Lentera's own commands plus every Django management command."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lentera.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "lentera"
    if argv[1:2] == ["demo"]:
        # The demo's accounts share one printed password: a second factor would only
        # stand in the way of trying it. Production requires it (docs/security.md).
        os.environ.setdefault("LENTERA_2FA", "optional")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
