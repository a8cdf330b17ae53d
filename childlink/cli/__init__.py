"""The ``childlink`` command: a thin layer over the library functions.

Each command lives in its own module and registers itself on ``app``;
domain errors become clean bilingual messages, never tracebacks.
"""

from __future__ import annotations

import importlib

from childlink.cli.app import app

# Command modules, each registering its commands on `app` when imported.
COMMAND_MODULES = (
    "childlink.cli.ingest",
    "childlink.cli.synth",
    "childlink.cli.link",
    "childlink.cli.evaluate",
    "childlink.cli.compare",
    "childlink.cli.review",
    "childlink.cli.flows",
    "childlink.cli.demo",
)


def _register_commands() -> None:
    for module in COMMAND_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            # A command module not written yet; any other missing module is a real error.
            if exc.name != module:
                raise


def main() -> None:
    """Entry point of the ``childlink`` console script."""
    _register_commands()
    app()
