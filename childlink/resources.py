"""Where the project's bundled configuration files live.

In a source checkout (and an editable install) they are in the top-level
``data/`` folder; a built wheel carries the same folder as ``childlink/_data``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_CANDIDATES = (_PACKAGE_DIR.parent / "data", _PACKAGE_DIR / "_data")


def data_dir() -> Path:
    """The folder holding exchange.yaml, the division table and default settings."""
    for candidate in _CANDIDATES:
        if (candidate / "exchange.yaml").is_file():
            return candidate
    raise FileNotFoundError("childlink's bundled data folder (exchange.yaml) was not found")


def data_path(name: str) -> Path:
    """Path of one bundled data file."""
    return data_dir() / name
