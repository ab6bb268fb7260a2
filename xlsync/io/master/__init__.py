"""The master workbook as a file: written with XlsxWriter (write, by_unit, scoring, cells) and opened
from disk (read)."""
