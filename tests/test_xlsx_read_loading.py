"""Loading a workbook's bytes: the whole file, even when it is not the size the system first says."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from bad_files import sheet_xml, write_xlsx
from xlsync.io.xlsx_read import read_workbook


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_workbook_arriving_through_a_pipe_is_read_to_its_end(tmp_path: Path):
    # A pipe says it holds 0 bytes: the reading goes on until the writer is done, as read() would.
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 3001))
    content = write_xlsx(tmp_path / "goc.xlsx", {"S": sheet_xml(rows)}).read_bytes()
    pipe = tmp_path / "ong.xlsx"
    os.mkfifo(pipe)
    writer = threading.Thread(target=pipe.write_bytes, args=(content,))
    writer.start()
    try:
        book = read_workbook(pipe)
    finally:
        writer.join(timeout=10)
    assert book.metadata["size"] == str(len(content))
    assert book.sheets["S"].rows == [[float(r)] for r in range(1, 3001)]
