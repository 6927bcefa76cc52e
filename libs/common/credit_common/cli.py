"""The command line every service shares: ``python -m <service> [serve|relay]``.

Imports are by name and happen after ``eventlet.monkey_patch()`` for ``serve``: patching after
socket, threading or psycopg2 were imported leaves them blocking.
"""

from __future__ import annotations

import importlib
import sys
import warnings


def _load(path: str):
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def main(service: str, settings_path: str, service_path: str, argv: list[str] | None = None,
         commands: dict[str, str] | None = None):
    """``commands`` adds a service's own tools, name -> ``module:function(argv)``."""
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "serve"
    # Nameko 2.14 is built on eventlet; its deprecation notice is not actionable here
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    if commands and command in commands:
        from credit_common.logging import configure_logging

        settings = _load(settings_path)()
        settings.refuse_unsafe_production()
        configure_logging(f"{service}-{command}", settings.log_level, settings.log_format)
        sys.exit(_load(commands[command])(argv[1:]))
    if command == "serve":
        import eventlet

        eventlet.monkey_patch()
        from credit_common.nameko_ext.runner import run_service

        settings = _load(settings_path)()
        settings.refuse_unsafe_production()
        run_service(_load(service_path), settings)
    elif command == "relay":
        from credit_common.logging import configure_logging
        from credit_common.relay import Relay

        settings = _load(settings_path)()
        settings.refuse_unsafe_production()
        configure_logging(f"{service}-relay", settings.log_level, settings.log_format)
        Relay(settings).run()
    else:
        known = "|".join(["serve", "relay", *(commands or {})])
        sys.exit(f"usage: python -m {service} [{known}]  (unknown command {command!r})")
