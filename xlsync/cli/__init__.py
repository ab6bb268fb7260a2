"""The ``xlsync`` command: a thin layer over the library.

Commands are imported only when used, so ``xlsync --help`` stays fast and
does not load pandas.
"""

from __future__ import annotations

import importlib

import click

from xlsync import __version__

COMMANDS = {
    "init": ("xlsync.cli.setup", "init"),
    "template": ("xlsync.cli.setup", "template"),
    "validate": ("xlsync.cli.checking", "validate"),
    "consolidate": ("xlsync.cli.consolidating", "consolidate"),
    "demo": ("xlsync.cli.consolidating", "demo"),
    "score": ("xlsync.cli.scoring", "score"),
    "send": ("xlsync.cli.sending", "send"),
    "workbook": ("xlsync.cli.workbook", "workbook"),
    "gsheets": ("xlsync.cli.gsheets", "gsheets"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, attribute = COMMANDS[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlsync")
def main() -> None:
    """xlsync – chạy phong trào thi đua của xã từ bảng tính.

    \b
    Các bước thường dùng / Usual steps:
      xlsync demo                       chạy thử trên kế hoạch mẫu (try it on the example plan)
      xlsync init THƯ_MỤC               tạo thư mục làm việc với kế hoạch mẫu
      xlsync template --out mau         tạo mẫu báo cáo cho từng đơn vị
      xlsync validate bao-cao/*.xlsx    kiểm tra báo cáo, chỉ ra ô sai
      xlsync consolidate bao-cao --out tong-hop.xlsx
                                        tổng hợp thành sổ tổng hợp
      xlsync template --scoring --master tong-hop.xlsx --out cham-diem
                                        tạo bảng chấm điểm cho từng khối thi đua
      xlsync score cham-diem --master tong-hop.xlsx
                                        chấm điểm, xếp hạng, đề nghị khen thưởng
      xlsync send tong-hop.xlsx         gửi sổ tổng hợp cho Nơi nhận của kế hoạch
      xlsync gsheets push               mỗi đơn vị một Google Sheet để nhập báo cáo
      xlsync workbook --out xlsync.xlsm tệp Excel có các nút bấm

    Không có --plan: dùng ke-hoach.xlsx của thư mục làm việc (nếu có), nếu không thì kế hoạch mẫu.
    Thông báo bằng tiếng Việt; đặt XLSYNC_LANG=en hoặc --lang en để xem tiếng Anh.
    """
