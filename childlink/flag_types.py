"""The six flag types of the comparison, named once (policy §2.1).

Rules raise flags by these codes; reports and the web workspace show the
Chinese labels. Keeping codes, labels and clauses here, outside the rules
and the reports, lets both import them without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlagType:
    """A flag code, its Chinese label (also the XLSX sheet name) and its clause."""

    code: str
    label: str
    clause: str
    description: str


# Order = the order of sheets and of rows in exports: leads that may add a
# child first, then changes and exits, then data gaps and focus checks.
FLAG_TYPES: dict[str, FlagType] = {
    ft.code: ft
    for ft in (
        FlagType("suspected_eligible", "疑似保障对象", "policy §2.1.1", "meets a §1 definition, not on the register"),
        FlagType("category_change", "类别变更", "policy §2.1.2", "registered situation gone, another category holds"),
        FlagType("should_exit", "应退未退", "policy §2.1.2", "registered situation gone, no category holds"),
        FlagType("cannot_verify", "无法核实", "policy §2.1", "registered basis has no supporting record"),
        FlagType("emergency", "突发事件", "policy §2.1.3", "child or parent affected by an emergency"),
        FlagType("dropout_risk", "辍学风险", "policy §2.1; 000 §三.10", "school-age child not on the roll, or dropped out"),
    )
}

FLAG_CODES: tuple[str, ...] = tuple(FLAG_TYPES)


def flag_label(code: str) -> str:
    """The Chinese label of a flag code; an unknown code raises ValueError naming the allowed ones."""
    try:
        return FLAG_TYPES[code].label
    except KeyError:
        raise ValueError(f"未知线索类型 / unknown flag type {code!r}; allowed: {', '.join(FLAG_CODES)}") from None
