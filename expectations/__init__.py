"""Great Expectations suites built from the exchange schema, and extract validation.

``validate_extract(extract, settings) -> Validation`` (docs/architecture.md, "Validation").
"""

from expectations.validate import Validation, validate_extract

__all__ = ["Validation", "validate_extract"]
