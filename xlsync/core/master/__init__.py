"""The master workbook's content, free of any file format: what its sheets hold (contents), where the
attainment tables are (tables), whether it is fit to send (check), and what a hand correction changes
(recompute)."""
