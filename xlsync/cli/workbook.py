"""`xlsync workbook`: the control workbook with the Excel buttons."""

from __future__ import annotations

import click

from xlsync.cli.options import edge, lang_option, say
from xlsync.core.messages import current_lang, text


@click.command()
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False),
              help="Tệp sẽ ghi (mặc định xlsync.xlsm trong thư mục hiện tại). "
              "/ Where to write it (default: xlsync.xlsm in the current folder).")
@click.option("--interpreter", default=None, metavar="PYTHONW.EXE",
              help="Python mà Excel sẽ chạy (mặc định %LOCALAPPDATA%\\xlsync\\venv\\Scripts\\pythonw.exe). "
              "/ The Python Excel starts (Interpreter_Win on the xlwings.conf sheet).")
@lang_option
@edge
def workbook(out: str | None, interpreter: str | None, lang: str | None) -> int:
    """Tạo tệp điều khiển xlsync.xlsm: các nút Kiểm tra, Tổng hợp, Tính tỷ lệ đạt, Chấm điểm, Gửi email,
    Nhận báo cáo, Văn bản.

    Build the macro-enabled control workbook. Its VBA comes from the xlwings
    installed here, so build it on the PC that will use it. A name not
    ending in .xlsm gets that extension (Excel runs macros only there).
    """
    from xlsync.io.control_workbook import build_control_workbook
    from xlsync.workbook import layout

    path = build_control_workbook(out or layout.DEFAULT_FILE_NAME, interpreter=interpreter)
    say(text("control-workbook-done", current_lang(lang), path=path), err=False)
    return 0
