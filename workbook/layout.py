"""What the control workbook ``xlsync.xlsm`` contains, as data.

The builder (:mod:`xlsync.io.control_workbook`) lays these out with
XlsxWriter; the macros (:mod:`xlsync.excel.macros`) find the status area
and the settings through the same constants, so moving a cell here moves
it for both.  The VBA procedures the buttons call are in
``xlsync_buttons.bas`` next to this file.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTROL_SHEET = "Điều khiển"
SETTINGS_SHEET = "Cài đặt"
CONF_SHEET = "xlwings.conf"  # the name xlwings' VBA looks for

# VBA code names, one document module per sheet in the VBA project.
WORKBOOK_CODENAME = "ThisWorkbook"
SHEET_CODENAMES = {CONTROL_SHEET: "Sheet1", SETTINGS_SHEET: "Sheet2", CONF_SHEET: "Sheet3"}

VBA_MODULE = "XlsyncButtons"
VBA_SOURCE_FILE = "xlsync_buttons.bas"
# The sample module of xlwings' quickstart workbook; its macro is not ours.
XLWINGS_SAMPLE_MODULE = "Module1"

DEFAULT_FILE_NAME = "xlsync.xlsm"


@dataclass(frozen=True)
class Button:
    key: str
    caption: str  # what the user reads on the button
    macro: str  # VBA procedure in VBA_MODULE
    entry_point: str  # zero-argument function in xlsync.excel.macros that RunPython calls
    cell: str  # top-left cell of the button on the control sheet
    description_vi: str
    description_en: str


BUTTONS: tuple[Button, ...] = (
    Button(
        "validate",
        "Kiểm tra",
        "KiemTra",
        "validate_button",
        "B5",
        "Kiểm tra tệp đang mở (kế hoạch, báo cáo hoặc tổng hợp): tô màu ô có lỗi, ghi chú lời nhắn "
        "vào ô đó và lập trang «Kiểm tra». Bạn tự quyết định có lưu tệp hay không.",
        "Check the open workbook (plan, report or master): colour flagged cells, add a note with the "
        "message and write a 'Kiểm tra' sheet. You decide whether to save.",
    ),
    Button(
        "consolidate",
        "Tổng hợp",
        "TongHop",
        "consolidate_button",
        "B8",
        "Tổng hợp các báo cáo trong thư mục ghi ở trang «Cài đặt» vào tệp tổng hợp.",
        "Consolidate the reports in the folder named on the 'Cài đặt' sheet into the master file.",
    ),
    Button(
        "recompute",
        "Tính tỷ lệ đạt",
        "TinhTyLeDat",
        "recompute_button",
        "B11",
        "Tính lại «Thực hiện», «Tỷ lệ đạt (%)» và «Đánh giá» trong tệp tổng hợp đang mở sau khi "
        "sửa số liệu bằng tay, rồi kiểm tra lại.",
        "Recompute 'Thực hiện', 'Tỷ lệ đạt (%)' and 'Đánh giá' in the open master after figures "
        "were corrected by hand, then check it again.",
    ),
    Button(
        "score",
        "Chấm điểm",
        "ChamDiem",
        "score_button",
        "B14",
        "Chấm điểm thi đua các đơn vị theo kế hoạch.",
        "Score the units according to the plan.",
    ),
    Button(
        "send",
        "Gửi email",
        "GuiEmail",
        "send_button",
        "B17",
        "Gửi tệp tổng hợp qua email cho những người nhận ghi ở trang «Cài đặt».",
        "Email the master file to the recipients listed on the 'Cài đặt' sheet.",
    ),
    Button(
        "collect",
        "Nhận báo cáo",
        "NhanBaoCao",
        "collect_button",
        "B20",
        "Nhận các báo cáo đơn vị gửi qua email (hộp thư XLSYNC_IMAP_*) vào «Thư mục báo cáo», mỗi đơn vị "
        "một bản mới nhất, rồi kiểm tra các báo cáo vừa nhận.",
        "Collect the reports units e-mailed (mailbox XLSYNC_IMAP_*) into the reports folder, the newest "
        "one per unit, then check the reports just received.",
    ),
    Button(
        "documents",
        "Văn bản",
        "VanBan",
        "documents_button",
        "B23",
        "Làm Báo cáo kết quả, Tờ trình và Quyết định khen thưởng (.docx, thêm PDF nếu có LibreOffice) từ tệp "
        "tổng hợp, vào «Thư mục văn bản»; lời văn theo mẫu ở «Thư mục mẫu văn bản» nếu có.",
        "Make the review report, the commendation proposal and decision (.docx, and PDF when LibreOffice is "
        "installed) from the master into the documents folder; wording from the template folder if set.",
    ),
)

BUTTON_WIDTH_PX = 150
BUTTON_HEIGHT_PX = 40

TITLE_CELL = "B2"
TITLE = "xlsync — Điều khiển phong trào thi đua"
INTRO_CELL = "B3"
INTRO = (
    "Bấm một nút để chạy. Kết quả hiện ở ô «Trạng thái» bên dưới. "
    "Đường dẫn các tệp ghi ở trang «Cài đặt». "
    "(Click a button to run it; the outcome appears under 'Trạng thái' (status).)"
)
DESCRIPTION_COLUMN = "D"  # Vietnamese on the button's row, English on the row below

STATUS_LABEL_CELL = "B27"
STATUS_LABEL = "Trạng thái (status)"
STATUS_CELL = "D27"  # the message of the last run
STATUS_TIME_LABEL_CELL = "B28"
STATUS_TIME_LABEL = "Cập nhật lúc (time)"
STATUS_TIME_CELL = "D28"
STATUS_INITIAL = "Chưa chạy lần nào. (Not run yet.)"


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    cell: str  # where the user types the value
    explanation_vi: str
    explanation_en: str
    example: str = ""


SETTINGS_TITLE_CELL = "A1"
SETTINGS_TITLE = "Cài đặt (settings)"
SETTINGS_INTRO_CELL = "A2"
SETTINGS_INTRO = (
    "Ghi đường dẫn đầy đủ vào cột «Giá trị», ví dụ D:\\ThiDua\\2025\\ke-hoach.xlsx. "
    "Có thể chép đường dẫn bằng cách giữ Shift, bấm chuột phải vào tệp và chọn «Copy as path»."
)
SETTINGS_HEADER_ROW = 4  # 1-based row of the column headers
SETTINGS_HEADERS = ("Mục (item)", "Giá trị (value)", "Giải thích", "Explanation")

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "plan_path",
        "Tệp kế hoạch",
        "B5",
        "Tệp kế hoạch thi đua (.xlsx) dùng để kiểm tra và tổng hợp.",
        "The plan workbook (.xlsx) used to check and consolidate.",
        "D:\\ThiDua\\2025\\ke-hoach.xlsx",
    ),
    Setting(
        "reports_folder",
        "Thư mục báo cáo",
        "B6",
        "Thư mục chứa báo cáo các đơn vị gửi về (các tệp .xlsx).",
        "The folder holding the units' report workbooks (.xlsx).",
        "D:\\ThiDua\\2025\\bao-cao",
    ),
    Setting(
        "master_path",
        "Tệp tổng hợp",
        "B7",
        "Tệp tổng hợp sẽ được ghi (hoặc ghi đè) khi bấm «Tổng hợp».",
        "The master workbook written (or replaced) by 'Tổng hợp'.",
        "D:\\ThiDua\\2025\\tong-hop.xlsx",
    ),
    Setting(
        "period",
        "Kỳ báo cáo",
        "B8",
        "Kỳ đang tổng hợp, ghi đúng như trong báo cáo của đơn vị.",
        "The period being consolidated, written as in the units' reports.",
        "6 tháng đầu năm 2025",
    ),
    Setting(
        "recipients",
        "Người nhận email",
        "B9",
        "Địa chỉ email nhận tệp tổng hợp; nhiều địa chỉ thì cách nhau bằng dấu chấm phẩy (;). "
        "Để trống: gửi tới «Nơi nhận» của kế hoạch.",
        "Email addresses that receive the master; separate several with semicolons (;). "
        "Blank: the plan's 'Nơi nhận' recipients.",
        "vanphong@xa.gov.vn; chutich@xa.gov.vn",
    ),
    Setting(
        "scores_folder",
        "Thư mục chấm điểm",
        "B10",
        "Thư mục chứa bảng chấm điểm các khối gửi về. Để trống: thư mục «cham-diem» cạnh tệp tổng hợp.",
        "The folder holding the blocks' filled score workbooks. Blank: the 'cham-diem' folder beside the master.",
        "D:\\ThiDua\\2025\\cham-diem",
    ),
    Setting(
        "documents_folder",
        "Thư mục văn bản",
        "B11",
        "Nơi ghi Báo cáo, Tờ trình, Quyết định khi bấm «Văn bản». Để trống: thư mục «van-ban» cạnh tệp tổng hợp.",
        "Where 'Văn bản' writes the report, proposal and decision. Blank: the 'van-ban' folder beside the master.",
        "D:\\ThiDua\\2025\\van-ban",
    ),
    Setting(
        "templates_folder",
        "Thư mục mẫu văn bản",
        "B12",
        "Mẫu văn bản (.docx) của cơ quan; lần đầu xlsync chép mẫu gốc vào đó để sửa lời văn bằng Word. "
        "Để trống: dùng mẫu gốc.",
        "The office's document templates (.docx); the shipped ones are copied there first, to edit in Word. "
        "Blank: the shipped templates.",
        "D:\\ThiDua\\mau-van-ban",
    ),
)


@dataclass(frozen=True)
class ConfEntry:
    key: str
    value: str
    explanation: str


# Read by xlwings' VBA from column A (keys, from A1 down, no gaps) and
# column B (values); column C is for people.  Values are text on purpose:
# xlwings compares them with "True"/"False" strings.
XLWINGS_CONF: tuple[ConfEntry, ...] = (
    ConfEntry(
        "Interpreter_Win",
        "%LOCALAPPDATA%\\xlsync\\venv\\Scripts\\pythonw.exe",
        "Python đã cài xlsync (xem hướng dẫn cài đặt). / The Python that has xlsync installed.",
    ),
    ConfEntry(
        "PYTHONPATH",
        "",
        "Để trống: xlsync đã cài trong Python trên. / Leave blank: xlsync is installed in that Python.",
    ),
    ConfEntry(
        "ADD_WORKBOOK_TO_PYTHONPATH",
        "False",
        "Không nạp mã Python từ thư mục của tệp này. / Do not load Python code from this file's folder.",
    ),
    ConfEntry("UDF Modules", "", "Không dùng hàm tự định nghĩa. / No user-defined functions."),
    ConfEntry("Use UDF Server", "False", "Mỗi lần bấm chạy một Python mới. / Each click starts a fresh Python."),
    ConfEntry("Show Console", "False", "Không hiện cửa sổ đen. / Do not show a console window."),
    ConfEntry(
        "SHOW_ERROR_POPUPS",
        "False",
        "Lỗi của xlwings ghi vào trang «Error» thay vì hộp thoại. / xlwings errors go to an 'Error' sheet, not a dialog.",
    ),
)
