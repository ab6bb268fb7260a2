"""Google Sheets as a front end for the units' reports.

- :mod:`~xlsync.io.gsheets.names`: ``gsheet:<id>``, sheet URLs and bare IDs (no gspread: free to import);
- :mod:`~xlsync.io.gsheets.client`: credentials, bounded retries, API errors as messages;
- :mod:`~xlsync.io.gsheets.template`: the report layout as Sheets API requests, and the colours;
- :mod:`~xlsync.io.gsheets.registry`: ``gsheets.csv``, the register of the units' spreadsheets;
- :mod:`~xlsync.io.gsheets.push`: create, set up and share one spreadsheet per unit;
- :mod:`~xlsync.io.gsheets.spreadsheet`: read a spreadsheet back, mark its problems in it.

Nothing is imported here, so that recognising a sheet among the sources
(:mod:`~xlsync.io.gsheets.names`) does not load gspread.
"""
