"""pandera schemas of xlsync's workbooks, and the named checks they use.

Schemas are declarations: the plan workbook's sheets in :mod:`.plan`, a
unit report (derived from the plan) in :mod:`.report`.  Every check that can
fail is registered in :mod:`.checks` under a name, and that name maps to a
record code of the message catalogue.
"""

from xlsync.schemas import checks as checks  # registers the check methods

__all__ = ["checks"]
