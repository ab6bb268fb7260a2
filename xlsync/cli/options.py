"""Options and output shared by the commands."""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, Callable

import click

from xlsync.core.messages import current_lang, text

EXIT_OK, EXIT_PROBLEMS, EXIT_CANNOT_RUN = 0, 1, 2

plan_option = click.option(
    "--plan", "plan_path", type=click.Path(dir_okay=False), default=None,
    help="Sổ kế hoạch (.xlsx). Mặc định: ke-hoach.xlsx của thư mục làm việc, nếu không có thì kế hoạch mẫu. "
    "/ Plan workbook; default: the working folder's, else the bundled example.",
)
lang_option = click.option(
    "--lang", type=click.Choice(["vi", "en"]), default=None,
    help="Ngôn ngữ thông báo (mặc định vi, hoặc biến XLSYNC_LANG). / Message language.",
)
json_option = click.option(
    "--json", "as_json", is_flag=True, help="In kết quả dạng JSON. / Print the records as JSON."
)

period_option = click.option(
    "--period", default=None,
    help="Kỳ báo cáo: mã kỳ hoặc tên kỳ (ví dụ 2024-6T hoặc «6 tháng đầu năm 2024»; mặc định theo kế hoạch); "
    "báo cáo của kỳ khác là lỗi. / Reporting period: a period code or name (e.g. 2024-6T or «6 tháng đầu năm "
    "2024»; default: the plan's); a report of another period is an error.",
)

credentials_option = click.option(
    "--credentials", "credentials", type=click.Path(dir_okay=False), default=None, metavar="TỆP.json",
    help="Tệp khóa tài khoản dịch vụ Google hoặc tệp OAuth của ứng dụng máy tính (mặc định: biến "
    "XLSYNC_GOOGLE_CREDENTIALS). / Google service account key or desktop OAuth client file.",
)
gsheets_option = click.option(
    "--gsheets", "all_registered", is_flag=True,
    help="Thêm mọi Google Sheet trong sổ đăng ký gsheets.csv của kế hoạch. "
    "/ Add every Google Sheet in the plan's register.",
)


def edge(command: Callable[..., int | None]) -> Callable[..., None]:
    """Turn "cannot run" and unexpected failures into one line and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        from xlsync.core.issues import CannotRun

        lang = current_lang(kwargs.get("lang"))
        try:
            code = command(*args, **kwargs)
        except CannotRun as problem:
            click.echo(text("cannot-run", lang, message=problem.message(lang)), err=True)
            sys.exit(EXIT_CANNOT_RUN)
        except KeyboardInterrupt:
            sys.exit(130)
        except Exception as error:  # the last line of defence: never a traceback for a user
            if os.environ.get("XLSYNC_DEBUG"):
                raise
            detail = f"{type(error).__name__}: {error}"
            click.echo(text("unexpected", lang, detail=detail), err=True)
            sys.exit(EXIT_CANNOT_RUN)
        sys.exit(code or EXIT_OK)

    return wrapper


def say(message: str, *, err: bool = True) -> None:
    """Status lines go to stderr, so --json output on stdout stays clean."""
    click.echo(message, err=err)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
