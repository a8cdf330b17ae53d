"""The in-process Great Expectations context that runs the suites.

One ephemeral context per process (nothing written to disk, analytics off,
progress bars off), one pandas data source with a whole-dataframe batch, and
one validation definition per suite, registered the first time it is used.
"""

from __future__ import annotations

import logging
import threading
import warnings
from functools import cache
from typing import Any

import pandas as pd

# GX logs INFO lines about every registration; officers only need our messages.
logging.getLogger("great_expectations").setLevel(logging.WARNING)

import great_expectations as gx  # noqa: E402  (after the logging level is set)
import great_expectations.execution_engine.pandas_execution_engine as _pandas_engine  # noqa: E402
from great_expectations.core.expectation_suite import ExpectationSuite  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

# GX fingerprints every pandas batch below this many bytes by hashing all its
# cells (about a second per million rows). The batch is provenance we do not
# use: the file's SHA-256 identifies the data in the store. Never fingerprint.
_pandas_engine.HASH_THRESHOLD = 0

# result_format for the runs: index lists of the failing elements, but only a
# few example values (the index lists are what we join back to rows).
RESULT_FORMAT: dict[str, Any] = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 20,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}


@cache
def _context_and_batch():
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(),
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("childlink_extracts")
    batch = source.add_dataframe_asset("extract").add_batch_definition_whole_dataframe("whole_extract")
    return context, batch


def ensure_context() -> None:
    """Create the context; GX needs one before suites can hold expectations."""
    _context_and_batch()


_definitions: dict[str, Any] = {}
# The context and its stores are not thread-safe; flows may validate files in threads.
_lock = threading.Lock()


def run_suite(suite: ExpectationSuite, frame: pd.DataFrame):
    """Run ``suite`` on ``frame``; the GX ``ExpectationSuiteValidationResult``."""
    with _lock:
        return _run_locked(suite, frame)


def _run_locked(suite: ExpectationSuite, frame: pd.DataFrame):
    context, batch = _context_and_batch()
    definition = _definitions.get(suite.name)
    if definition is None:
        registered = context.suites.add(suite)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"validate {suite.name}", data=batch, suite=registered)
        )
        _definitions[suite.name] = definition
    with warnings.catch_warnings():
        # pandas warns that the spec's patterns have groups (GX uses str.contains); harmless.
        warnings.filterwarnings("ignore", message="This pattern is interpreted as a regular expression")
        return definition.run(batch_parameters={"dataframe": frame}, result_format=RESULT_FORMAT)
