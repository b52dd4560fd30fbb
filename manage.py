#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import execute_from_command_line

    # in production a command refuses the demo key and demo passwords, as the web process does (ops/startup.py)
    django.setup()
    from ops.startup import refuse_insecure_command

    refuse_insecure_command(sys.argv)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
