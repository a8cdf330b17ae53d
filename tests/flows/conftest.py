"""One Prefect test server for the whole session (starting one takes 10–20 s)."""

from __future__ import annotations

import pytest
from prefect.testing.utilities import prefect_test_harness


@pytest.fixture(scope="session")
def prefect_runtime():
    """A temporary Prefect server and database, torn down after the session."""
    with prefect_test_harness(server_startup_timeout=120):
        yield
