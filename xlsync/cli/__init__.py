"""The ``xlsync`` command: a thin layer over the library.

Commands are imported only when used, so ``xlsync --help`` stays fast: it
loads click and nothing else (no pandas, no reader, no mail).
"""

from __future__ import annotations

import importlib

import click

from xlsync import __version__

# name → (module, attribute, the first paragraph of the command's help). ``xlsync --help`` lists
# the commands from these summaries instead of importing every command's module (the mail
# command alone pulls in smtplib, ssl and email); tests/test_import_cost.py keeps them equal.
COMMANDS = {
    "init": ("xlsync.cli.setup", "init",
             "Tạo thư mục làm việc FOLDER với sổ kế hoạch mẫu (ke-hoach.xlsx) và thư mục bao-cao/."),
    "template": ("xlsync.cli.setup", "template",
                 "Tạo mẫu báo cáo (.xlsx) cho từng đơn vị của kế hoạch, hoặc bảng chấm điểm cho từng khối."),
    "validate": ("xlsync.cli.checking", "validate",
                 "Kiểm tra sổ kế hoạch và báo cáo của đơn vị; chỉ ra từng ô sai."),
    "consolidate": ("xlsync.cli.consolidating", "consolidate",
                    "Tổng hợp báo cáo của các đơn vị thành sổ tổng hợp."),
    "demo": ("xlsync.cli.consolidating", "demo",
             "Chạy thử toàn bộ quy trình trên kế hoạch mẫu (Kế hoạch 51/KH-UBND xã Sơn Tây 2024)."),
    "history": ("xlsync.cli.history", "history",
                "Lập sổ diễn biến chỉ tiêu qua các kỳ, so với cùng kỳ và kế hoạch năm, từ các sổ tổng hợp."),
    "score": ("xlsync.cli.scoring", "score",
              "Chấm điểm, xếp hạng các đơn vị trong từng khối thi đua và đề nghị khen thưởng."),
    "send": ("xlsync.cli.sending", "send", "Gửi sổ tổng hợp MASTER qua email tới Nơi nhận của kế hoạch."),
    "documents": ("xlsync.cli.documents", "documents",
                  "Làm Báo cáo, Tờ trình, Quyết định khen thưởng (.docx) từ sổ tổng hợp MASTER."),
    "collect": ("xlsync.cli.collecting", "collect", "Nhận báo cáo đơn vị gửi qua email vào thư mục báo cáo."),
    "remind": ("xlsync.cli.collecting", "remind",
               "Nhắc qua email các đơn vị chưa nộp báo cáo hoặc báo cáo còn lỗi."),
    "workbook": ("xlsync.cli.workbook", "workbook",
                 "Tạo tệp điều khiển xlsync.xlsm: các nút Kiểm tra, Tổng hợp, Tính tỷ lệ đạt, Chấm điểm, Gửi email, "
                 "Nhận báo cáo, Văn bản."),
    "gsheets": ("xlsync.cli.gsheets", "gsheets", "Google Sheets: mỗi đơn vị một bảng tính để nhập báo cáo."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, attribute, _summary = COMMANDS[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands as click writes it, shortened by click, from the summaries alone."""
        stand_ins = [click.Command(name, help=summary) for name, (_, _, summary) in COMMANDS.items()]
        listed = [*stand_ins, *(self.commands[name] for name in super().list_commands(ctx))]
        limit = formatter.width - 6 - max(len(command.name or "") for command in listed)
        with formatter.section("Commands"):
            formatter.write_dl([(command.name or "", command.get_short_help_str(limit)) for command in listed])


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
      xlsync collect --reply            nhận báo cáo qua email, trả lời kết quả kiểm tra
      xlsync remind                     nhắc đơn vị chưa nộp hoặc báo cáo còn lỗi
      xlsync send tong-hop.xlsx         gửi sổ tổng hợp cho Nơi nhận của kế hoạch
      xlsync history nam-2023.xlsx nam-2024.xlsx --out dien-bien.xlsx
                                        so sánh các kỳ, cùng kỳ năm trước, kế hoạch năm
      xlsync documents tong-hop.xlsx --pdf
                                        làm Báo cáo, Tờ trình, Quyết định (.docx, PDF)
      xlsync gsheets push               mỗi đơn vị một Google Sheet để nhập báo cáo
      xlsync workbook --out xlsync.xlsm tệp Excel có các nút bấm

    Không có --plan: dùng ke-hoach.xlsx của thư mục làm việc (nếu có), nếu không thì kế hoạch mẫu.
    Thông báo bằng tiếng Việt; đặt XLSYNC_LANG=en hoặc --lang en để xem tiếng Anh.
    """
