"""xlsync: run a commune's emulation movement (phong trào thi đua) from its spreadsheets."""

__version__ = "0.1.0"
