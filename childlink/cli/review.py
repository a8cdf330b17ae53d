"""``childlink review``: the match review queue and analysts' decisions.

Decisions are stored by the two records' fingerprints, so they hold for the
same records in every later run and win over the model (``matching.scoring``).
"""

from __future__ import annotations

import typer
from rich.table import Table

from childlink.cli.app import UserError, app, console, user_errors
from childlink.settings import load_settings

review_app = typer.Typer(
    help="匹配复核队列与复核决定 / The match review queue and review decisions.", no_args_is_help=True
)
app.add_typer(review_app, name="review")

_DB_HELP = "数据库地址（默认见设置）/ database URL (default: settings, CHILDLINK_DATABASE_URL)"


def _store(db: str | None):
    from childlink.store import store_from_settings

    return store_from_settings(load_settings(database_url=db))


@review_app.command("list", help="列出待复核的记录对 / List the open pairs of the review queue.")
def list_items(
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
    limit: int = typer.Option(50, "--limit", min=1, help="最多显示条数 / at most this many"),
) -> None:
    from childlink.store import repository as repo

    with user_errors():
        items = repo.load_review_items(_store(db), status="open")
    table = Table(title=f"待复核 / open review items: {items.height}")
    for column in ("id", "left_mention_id", "right_mention_id", "match_probability"):
        table.add_column(column)
    for row in items.head(limit).iter_rows(named=True):
        table.add_row(str(row["id"]), row["left_mention_id"], row["right_mention_id"], f"{row['match_probability']:.4f}")
    console.print(table)


@review_app.command(
    "decide",
    help=(
        "记录复核决定（同一人 / 不是同一人），此后每次运行都以此为准。\n\n"
        "Record a decision on a review item (linked / not_linked); it wins over the model in every later run."
    ),
)
def decide(
    item: int = typer.Argument(..., help="复核条目编号 / review item id (see `childlink review list`)"),
    decision: str = typer.Option(..., "--decision", help="linked（同一人）或 not_linked（不是同一人）"),
    by: str = typer.Option(..., "--by", help="复核人 / who decides"),
    note: str | None = typer.Option(None, "--note", help="说明 / note"),
    db: str | None = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    from childlink.store import repository as repo

    with user_errors():
        store = _store(db)
        items = repo.load_review_items(store, status=None)
        found = items.filter(items["id"] == item)
        if found.is_empty():
            raise UserError(f"没有编号为 {item} 的复核条目 / no review item {item}")
        row = found.row(0, named=True)
        if not row["left_key"] or not row["right_key"]:
            raise UserError(f"复核条目 {item} 缺少记录指纹 / review item {item} has no record fingerprints")
        repo.save_review_decision(store, left_key=row["left_key"], right_key=row["right_key"], decision=decision,
                                  decided_by=by, note=note, review_item_id=item)
    console.print(f"[bold green]已记录 / recorded:[/] {item} → {decision}（{by}）")
