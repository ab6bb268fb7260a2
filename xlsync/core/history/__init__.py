"""History across reporting periods: masters of any periods and years, side by side."""
