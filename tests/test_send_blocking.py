"""What stops `xlsync send`: errors always, warnings unless accepted, information never."""

from __future__ import annotations

from xlsync.core.issues import make_issue
from xlsync.core.master_check import blocking_issues

ERROR = make_issue("type-error", cell="D12", value="abc")
WARNING = make_issue("ambiguous-number", cell="D13", value="6.990", reading="6.990", other="6,99")
INFO = make_issue("percent-format-read", cell="D14", shown="64,8%", percent="64,8")


def test_information_never_blocks_sending():
    assert blocking_issues([INFO], allow_warnings=False) == []
    assert blocking_issues([INFO], allow_warnings=True) == []


def test_warnings_block_unless_accepted_and_errors_always():
    assert blocking_issues([ERROR, WARNING, INFO], allow_warnings=False) == [ERROR, WARNING]
    assert blocking_issues([ERROR, WARNING, INFO], allow_warnings=True) == [ERROR]
