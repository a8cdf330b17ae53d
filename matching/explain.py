"""Explanations: why two mentions were (or were not) linked.

The waterfall starts from the prior and adds each comparison's match weight
(log2 Bayes factor); the running total is the match weight, and
probability = 1 / (1 + 2^-weight).
"""

from __future__ import annotations

import math

import polars as pl

from matching.comparisons import NULL_LEVEL
from matching.estimate import ModelParameters

WATERFALL_SCHEMA = {"comparison": pl.Utf8, "level": pl.Utf8, "value_l": pl.Utf8, "value_r": pl.Utf8,
                    "match_weight": pl.Float64, "cumulative": pl.Float64}


def _value(pair: dict, column: str | None, which: str) -> str | None:
    if column is None:
        return None
    value = pair.get(f"{column}_{which}")
    return None if value is None else str(value)


def waterfall(pair: dict, params: ModelParameters) -> pl.DataFrame:
    """One row per comparison (after the prior): level label, weight and cumulative weight.

    ``pair`` is one row of the scored pairs as a dict (``gamma_*``, ``w_*``, ``*_l``/``*_r``).
    """
    prior = math.log2(params.prior / (1 - params.prior))
    rows = [{"comparison": "prior", "level": f"λ = {params.prior:.3g}", "value_l": None, "value_r": None,
             "match_weight": prior, "cumulative": prior}]
    total = prior
    for comp in params.comparisons:
        g = pair[f"gamma_{comp.name}"]
        w = float(pair[f"w_{comp.name}"])
        total += w
        shown = comp.null_columns[0] if comp.null_columns else None
        rows.append({
            "comparison": comp.name,
            "level": "missing" if g == NULL_LEVEL else comp.labels[g],
            "value_l": _value(pair, shown, "l"), "value_r": _value(pair, shown, "r"),
            "match_weight": w, "cumulative": total,
        })
    return pl.DataFrame(rows, schema=WATERFALL_SCHEMA)


def probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** (-weight))


def render_text(pair: dict, params: ModelParameters) -> str:
    """The waterfall as text an officer can read."""
    table = waterfall(pair, params)
    lines = [f"{pair.get('mention_id_l', '?')}  ↔  {pair.get('mention_id_r', '?')}"]
    for row in table.iter_rows(named=True):
        values = ""
        if row["value_l"] is not None or row["value_r"] is not None:
            values = f"  [{row['value_l'] or '—'} | {row['value_r'] or '—'}]"
        lines.append(f"  {row['comparison']:<12} {row['level']:<40} {row['match_weight']:+7.2f}"
                     f"  → {row['cumulative']:+7.2f}{values}")
    final = table["cumulative"][-1]
    lines.append(f"  match weight {final:+.2f}, match probability {probability(final):.4f}")
    if pair.get("method"):
        lines.append(f"  method: {pair['method']}; band: {pair.get('band')}"
                     + (f"; stopped by safety rule {pair['blocked_by']}" if pair.get("blocked_by") else ""))
    return "\n".join(lines)
