"""Per-type normalisers (exchange.yaml conventions.types).

Each normaliser is a pure function over a polars Series of raw cells (Utf8)
returning a ``Normalised``: the normalised values, the derived Series of its
type and one rule name per row (null when the cell is fine).
"""

from connectors.normalise.result import Normalised

__all__ = ["Normalised"]
