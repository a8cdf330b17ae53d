"""The Typer application object and the helpers every command shares."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import typer
from rich.console import Console

app = typer.Typer(
    name="childlink",
    help=(
        "儿童数据比对工具：导入各部门数据、与儿童信息台账进行记录关联、按季度生成比对线索。\n\n"
        "childlink — data matching for county civil-affairs bureaus: intake of department extracts, "
        "record linkage with the child-welfare register, quarterly comparison flags and cases."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

console = Console()
err_console = Console(stderr=True)


class UserError(Exception):
    """An error the user can fix (bad path, bad option); shown without a traceback."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected errors into a one-line bilingual message and exit code 2."""
    try:
        yield
    except (UserError, FileNotFoundError, ValueError) as exc:
        err_console.print(f"[bold red]错误 / Error:[/] {exc}")
        sys.exit(2)


@app.callback()
def _root() -> None:
    """儿童数据比对工具 / childlink: data matching for county civil-affairs bureaus."""
