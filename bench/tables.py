"""The benchmark's tables in Markdown (which also read well in a terminal)."""

from __future__ import annotations

CPU_CONTENDERS = (("xlsync", "xlsync"), ("pandas", "pandas+calamine"), ("polars", "polars+calamine"), ("floor", "floor"))


def table(rows: list[dict]) -> list[str]:
    """The side-by-side table in Markdown (which also reads well in a terminal)."""
    def seconds(row: dict, key: str) -> str:
        return f"{row[key]:.2f}" if key in row else "–"

    def ratio(row: dict, key: str) -> str:
        return f"{row[f'{key}_ratio']:.2f}" if f"{key}_ratio" in row else "–"

    lines = [
        "| N | xlsync (s) | pandas+calamine (s) | polars+calamine (s) | floor (s) | openpyxl, historical (s) "
        "| pandas ÷ xlsync | polars ÷ xlsync | xlsync ÷ floor | peak MB: xlsync | pandas | polars | xlsync processes |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        floor_ratio = f"{1 / row['floor_ratio']:.1f}"
        lines.append(
            f"| {row['n']:,} | {seconds(row, 'xlsync')} | {seconds(row, 'pandas')} | {seconds(row, 'polars')} "
            f"| {seconds(row, 'floor')} | {seconds(row, 'openpyxl')} | {ratio(row, 'pandas')} | {ratio(row, 'polars')} "
            f"| {floor_ratio} | {row['xlsync_mb']:.0f} | {row['pandas_mb']:.0f} | {row['polars_mb']:.0f} "
            f"| {row['xlsync_processes']} |"
        )
    return lines


def cpu_table(rows: list[dict]) -> list[str]:
    """CPU seconds (user + system, whole process tree): the figures a busy machine disturbs least."""
    if not all("xlsync_cpu" in row for row in rows):
        return []
    lines = ["| N | " + " | ".join(f"{label} CPU (s)" for _, label in CPU_CONTENDERS) + " |",
             "|---:|" + "---:|" * len(CPU_CONTENDERS)]
    for row in rows:
        lines.append(f"| {row['n']:,} | " + " | ".join(f"{row[key + '_cpu']:.2f}" for key, _ in CPU_CONTENDERS) + " |")
    return lines
