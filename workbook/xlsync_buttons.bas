Attribute VB_Name = "XlsyncButtons"
' xlsync: each button on the "Dieu khien" sheet runs one procedure below.
' The procedure hands over to Python through xlwings' RunPython (the
' xlwings module of this workbook). The Python function writes its outcome,
' or the reason it could not run, into the status area of that sheet.
' Keep this file ASCII: the VBA project stores code in code page 1252.
Option Explicit

Public Sub KiemTra()
    RunPython "import xlsync.excel.macros as m; m.validate_button()"
End Sub

Public Sub TongHop()
    RunPython "import xlsync.excel.macros as m; m.consolidate_button()"
End Sub

Public Sub TinhTyLeDat()
    RunPython "import xlsync.excel.macros as m; m.recompute_button()"
End Sub

Public Sub ChamDiem()
    RunPython "import xlsync.excel.macros as m; m.score_button()"
End Sub

Public Sub GuiEmail()
    RunPython "import xlsync.excel.macros as m; m.send_button()"
End Sub

Public Sub NhanBaoCao()
    RunPython "import xlsync.excel.macros as m; m.collect_button()"
End Sub

Public Sub VanBan()
    RunPython "import xlsync.excel.macros as m; m.documents_button()"
End Sub
