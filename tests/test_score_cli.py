"""`xlsync template --scoring`, `xlsync score` and `xlsync demo`, run as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

import scoring_plan as sp
from xlsync.io.plan_xlsx import write_plan_workbook
from xlsync.io.xlsx_read import read_workbook
from xlsync.jobs.demo import run_demo

BUNDLED_BLOCK_FILES = ["cham-diem-khoi-co-quan.xlsx", "cham-diem-khoi-hop-tac-xa.xlsx",
                       "cham-diem-khoi-thon-1.xlsx", "cham-diem-khoi-thon-2.xlsx",
                       "cham-diem-khoi-truong-hoc-y-te.xlsx"]


def test_template_scoring_writes_one_workbook_per_block(cli, tmp_path):
    code, out, _ = cli("template", "--scoring", "--out", "cham-diem")
    assert code == 0
    assert "Đã tạo 5 bảng chấm điểm" in out
    assert sorted(p.name for p in (tmp_path / "cham-diem").iterdir()) == BUNDLED_BLOCK_FILES
    sheet = load_workbook(tmp_path / "cham-diem" / "cham-diem-khoi-hop-tac-xa.xlsx")["Chấm điểm"]
    assert [sheet[f"A{r}"].value for r in range(13, 21)] == ["TC01", "TC02", "TC03", "TC04", "NV01", "DL04",
                                                          "TH01", "TR01"]
    assert (sheet["G11"].value, sheet["J11"].value) == ("HTX1", "HTX2")


def test_template_scoring_for_chosen_blocks_and_refusals(cli, tmp_path):
    code, _, _ = cli("template", "--scoring", "--out", "a", "--block", "khối thôn 2")
    assert code == 0
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["cham-diem-khoi-thon-2.xlsx"]
    code, _, err = cli("template", "--scoring", "--out", "b", "--block", "Khối 9")
    assert code == 2
    assert "Không có khối thi đua «Khối 9» trong kế hoạch" in err
    code, _, err = cli("template", "--scoring", "--out", "c", "--master", "khong-co.xlsx")
    assert code == 2
    assert "Không tìm thấy tệp «khong-co.xlsx»" in err
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())


@pytest.fixture
def five_folder(cli, tmp_path):
    """A working folder: the five-village plan, its units' reports consolidated with the CLI."""
    plan = sp.five_plan()
    plan_path = write_plan_workbook(plan, tmp_path / "ke-hoach-thu.xlsx")
    sp.write_reports(plan, tmp_path / "bao-cao")
    code, _, _ = cli("consolidate", "bao-cao", "--plan", plan_path, "--out", "tong-hop.xlsx")
    assert code == 0
    code, _, _ = cli("template", "--scoring", "--plan", plan_path, "--master", "tong-hop.xlsx", "--out", "cham-diem")
    assert code == 0
    return plan_path, tmp_path / "cham-diem" / "cham-diem-khoi-thon.xlsx"


def test_score_command_ranks_and_rewrites_the_master(cli, tmp_path, five_folder):
    plan_path, score_file = five_folder
    sp.type_into(score_file, sp.hand_scores())
    code, out, _ = cli("score", "cham-diem", "--plan", plan_path, "--master", "tong-hop.xlsx")
    assert code == 0  # one warning: the Giấy khen tie left to the council
    assert "Xếp hạng thi đua – Năm 2024" in out
    assert "2 (đồng hạng)" in out and "Cờ thi đua" in out
    master = read_workbook(tmp_path / "tong-hop.xlsx")
    assert list(master.sheets)[:5] == ["Tổng hợp", "Theo đơn vị", "Tiến độ nộp", "Chấm điểm", "Xếp hạng"]
    ranking = [r for r in master.sheet("Xếp hạng").rows[5:10]]
    assert [(r[2], r[1], r[4]) for r in ranking] == [(u, rank, total) for u, rank, total, *_ in sp.EXPECTED_RANKING]
    # Scoring again replaces the scoring sheets instead of adding more.
    code, _, _ = cli("score", "cham-diem", "--plan", plan_path, "--master", "tong-hop.xlsx")
    assert code == 0
    assert list(read_workbook(tmp_path / "tong-hop.xlsx").sheets).count("Xếp hạng") == 1


def test_score_command_exit_codes_and_json_records(cli, tmp_path, five_folder):
    plan_path, score_file = five_folder
    typed = sp.hand_scores()
    typed[sp.cell("THON_CAU", "B1", "block")] = 15
    sp.type_into(score_file, typed)
    code, out, _ = cli("score", score_file, "--plan", plan_path, "--master", "tong-hop.xlsx", "--out", "moi.xlsx",
                       "--json")
    assert code == 1
    records = json.loads(out)
    above = [r for r in records if r["code"] == "score-above-max"]
    assert [(r["cell"], r["sheet"], r["severity"]) for r in above] == [("Q15", "Chấm điểm", "error")]
    assert (tmp_path / "moi.xlsx").exists()

    code, _, err = cli("score", score_file, "--plan", plan_path, "--master", "khong-co.xlsx")
    assert code == 2 and "Không tìm thấy tệp «khong-co.xlsx»" in err
    (tmp_path / "thu-muc-trong").mkdir()
    code, _, err = cli("score", "thu-muc-trong", "--plan", plan_path, "--master", "tong-hop.xlsx")
    assert code == 2 and "Không tìm thấy bảng chấm điểm nào (.xlsx) trong: thu-muc-trong." in err
    code, _, err = cli("score", "tong-hop.xlsx", "--plan", plan_path, "--master", "tong-hop.xlsx")
    assert code == 2 and "Không tìm thấy bảng chấm điểm nào" in err  # the master is never its own source
    code, out, _ = cli("score", score_file, "--master", "tong-hop.xlsx", "--plan", plan_path, "--lang", "en")
    assert code == 1
    assert "Severity" in out and "Cell Q15: the score '15' of THON_CAU" in out  # the table folds long messages
    assert "Emulation ranking – Năm 2024" in out


def test_score_passes_over_reports_and_the_master_given_as_sources(cli, tmp_path, five_folder):
    plan_path, score_file = five_folder
    sp.type_into(score_file, sp.hand_scores())
    code, out, _ = cli("score", ".", "--plan", plan_path, "--master", "tong-hop.xlsx", "--json")
    assert code == 0
    skipped = sorted(Path(r["file"]).name for r in json.loads(out) if r["code"] == "not-a-score-sheet")
    assert skipped == sorted(f.name for f in (tmp_path / "bao-cao").iterdir()) + ["ke-hoach-thu.xlsx"]


def test_score_refuses_a_plan_without_criteria(cli, tmp_path, five_folder):
    plan_path, score_file = five_folder
    book = load_workbook(plan_path)
    del book["Tiêu chí chấm điểm"]
    bare = tmp_path / "khong-tieu-chi.xlsx"
    book.save(bare)
    code, _, err = cli("score", score_file, "--plan", bare, "--master", "tong-hop.xlsx")
    assert code == 2
    assert "chưa có trang «Tiêu chí chấm điểm»" in err


def test_demo_master_holds_the_scoring_sheets(tmp_path):
    run = run_demo(tmp_path / "demo")
    assert run.scoring is not None
    master = read_workbook(run.master)
    names = list(master.sheets)
    assert names.index("Chấm điểm") == names.index("Tiến độ nộp") + 1
    assert names.index("Xếp hạng") == names.index("Chấm điểm") + 1
    ranking = [r for r in master.sheet("Xếp hạng").rows[5:] if r and r[0]][:17]
    assert sorted(r[2] for r in ranking) == sorted(run.consolidation.plan.units)
    # Ranks restart in every block and are the engine's.
    assert [(r[0], r[2], r[1]) for r in ranking] == [(t.block, t.unit, t.rank) for t in run.scoring.totals]
    # The demo's deliberate mistake: a bonus claimed without evidence, caught at its cell.
    [mistake] = [i for i in run.scoring.issues if i.code == "bonus-without-evidence"]
    assert (Path(mistake.file).name, mistake.cell) == ("cham-diem-khoi-thon-1.xlsx", "L20")
    scores = [r for r in master.sheet("Chấm điểm").rows[5:] if r and r[0]]
    assert len(scores) == len(run.scoring.scores)
    assert all(r[14] for r in scores), "every score says how it was computed"


def test_demo_command_output_and_exit_code(cli):
    code, out, _ = cli("demo", "d")
    assert code == 0
    assert "Sổ tổng hợp:" in out and "Xếp hạng thi đua – Năm 2024" in out
    ranking_then_documents = out[out.index("Xếp hạng thi đua – Năm 2024"):]
    assert "cham-diem" in ranking_then_documents and "quyet-dinh-khen-thuong.docx." in ranking_then_documents
