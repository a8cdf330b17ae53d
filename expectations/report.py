"""The validation report of one extract as a self-contained HTML page.

Rendered with jinja2 from the Great Expectations validation results (GX's own
data docs need a file-backed context and a site builder; this page carries
the same facts and opens offline). Per expectation: the rule it stands for,
what it checks in Chinese, success, the number of failing values and rows,
and a few examples. For sensitive sources (policy §4) no cell value appears,
only row numbers and rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pandas as pd
import polars as pl
from jinja2 import Environment, select_autoescape

from childlink.schema import Source, exchange

if TYPE_CHECKING:
    from connectors.extract import Extract, FileWarning
    from expectations.suites import Check

EXAMPLES = 10


@dataclass(frozen=True)
class CheckOutcome:
    """One expectation's result, reduced to what the report and the run log need."""

    name: str
    rule: str
    fields: tuple[str, ...]
    target: str
    description_zh: str
    expectation_type: str
    evaluated: bool
    success: bool
    elements_checked: int = 0  # rows (row suite) or distinct values (value suite)
    unexpected_count: int = 0  # failing elements, as GX counts them
    rows_affected: int = 0
    examples: tuple[str, ...] = field(default=())

    @classmethod
    def of(cls, check: Check, item: Any, rows_affected: int) -> CheckOutcome:
        result = item.result or {}
        return cls(
            name=check.name,
            rule=check.rule,
            fields=check.fields,
            target=check.target,
            description_zh=check.description_zh,
            expectation_type=item.expectation_config.type,
            evaluated=True,
            success=bool(item.success),
            # Value checks run on padded columns: only the non-missing cells were checked.
            elements_checked=int(result.get("element_count") or 0) - int(result.get("missing_count") or 0),
            unexpected_count=int(result.get("unexpected_count") or 0),
            rows_affected=rows_affected,
            examples=tuple(_text(v) for v in (result.get("partial_unexpected_list") or [])[:EXAMPLES]),
        )

    @classmethod
    def not_run(cls, check: Check) -> CheckOutcome:
        """A value check with no value to check (the column is empty in this file)."""
        return cls(
            name=check.name, rule=check.rule, fields=check.fields, target=check.target,
            description_zh=check.description_zh, expectation_type="", evaluated=False, success=True,
        )


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return "（空）"
    if hasattr(value, "date") and hasattr(value, "hour"):  # pandas Timestamp / datetime
        return value.date().isoformat()
    return str(value)


_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>数据校验报告 — {{ file }}</title>
<style>
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eee}.ok{color:#17692b}.fail{color:#b00020;font-weight:bold}.muted{color:#777}
</style></head><body>
<h1>数据校验报告 / Validation report</h1>
<table>
<tr><th>文件</th><td>{{ file }}</td></tr>
<tr><th>数据来源</th><td>{{ source.title }}（{{ source.key }}，{{ source.department }}）</td></tr>
<tr><th>数据提取日期</th><td>{{ extract_date }}</td></tr>
<tr><th>读取行数</th><td>{{ stats.rows_read }}</td></tr>
<tr><th>通过行数</th><td>{{ stats.rows_accepted }}</td></tr>
<tr><th>隔离行数</th><td>{{ stats.rows_quarantined }}（{{ "%.1f"|format(stats.quarantine_rate * 100) }}%）</td></tr>
<tr><th>生成时间</th><td>{{ generated }}</td></tr>
</table>
{% if warnings %}<h2>提示 / Warnings</h2><ul>
{% for w in warnings %}<li>{{ w.message_zh }}{% if w.detail %}（{{ w.detail }}）{% endif %} <span class="muted">[{{ w.rule }}]</span></li>{% endfor %}
</ul>{% endif %}
<h2>校验项 / Expectations (Great Expectations)</h2>
<table><tr><th>规则</th><th>说明</th><th>校验内容</th><th>Expectation</th><th>结果</th><th>检查数</th><th>不符合数</th><th>涉及行数</th><th>示例</th></tr>
{% for o in outcomes %}<tr>
<td>{{ o.rule }}</td><td>{{ rule_messages.get(o.rule, "") }}</td><td>{{ o.description_zh }}</td>
<td class="muted">{{ o.expectation_type }}</td>
<td>{% if not o.evaluated or not o.elements_checked %}<span class="muted">无数据</span>{% elif o.success %}<span class="ok">通过</span>{% else %}<span class="fail">未通过</span>{% endif %}</td>
<td>{{ o.elements_checked }}{% if o.target == "values" %}（不同取值）{% endif %}</td>
<td>{{ o.unexpected_count }}</td><td>{{ o.rows_affected }}</td>
<td>{% if sensitive %}<span class="muted">敏感数据，不显示</span>{% else %}{{ o.examples|join("、") }}{% endif %}</td>
</tr>{% endfor %}</table>
<h2>隔离原因 / Quarantine by rule</h2>
<table><tr><th>规则</th><th>说明</th><th>条数</th><th>示例行号</th></tr>
{% for r in quarantine_rules %}<tr><td>{{ r.rule }}</td><td>{{ rule_messages.get(r.rule, "") }}</td><td>{{ r.count }}</td><td>{{ r.rows }}</td></tr>{% endfor %}
</table>
<h2>字段提示（保留的行）/ Field flags on accepted rows</h2>
<table><tr><th>规则</th><th>说明</th><th>条数</th><th>示例行号</th></tr>
{% for r in flag_rules %}<tr><td>{{ r.rule }}</td><td>{{ rule_messages.get(r.rule, "") }}</td><td>{{ r.count }}</td><td>{{ r.rows }}</td></tr>{% endfor %}
</table>
</body></html>
"""

_environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_template = _environment.from_string(_TEMPLATE)


def _rule_table(lines: pl.DataFrame) -> list[dict[str, Any]]:
    if lines.is_empty():
        return []
    grouped = (
        lines.group_by("rule")
        .agg(count=pl.len(), rows=pl.col("row").unique().sort().head(EXAMPLES))
        .sort("count", descending=True)
    )
    return [
        {"rule": r["rule"], "count": r["count"], "rows": "、".join(str(x) for x in r["rows"])}
        for r in grouped.iter_rows(named=True)
    ]


def render_report(
    *,
    extract: Extract,
    source: Source,
    outcomes: list[CheckOutcome],
    statistics: dict[str, Any],
    quarantine: pl.DataFrame,
    flags: pl.DataFrame,
    warnings: list[FileWarning],
) -> str:
    """The report page as HTML text (the caller writes it to the run folder)."""
    return _template.render(
        file=extract.file_name,
        source=source,
        extract_date=extract.extract_date.isoformat() if extract.extract_date else "未知",
        stats=statistics,
        generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
        warnings=warnings,
        outcomes=outcomes,
        sensitive=source.sensitive,
        rule_messages={k: r.message_zh for k, r in exchange().row_rules.items()},
        quarantine_rules=_rule_table(quarantine),
        flag_rules=_rule_table(flags),
    )
