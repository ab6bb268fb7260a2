"""Pausing Python's cyclic garbage collector around bulk work that makes no cycles.

Reading 10,000 reports and writing their master each create hundreds of
thousands of small acyclic objects (cells, rows, strings, records) while the
run's large structures (the plan, pandas) stay alive; every full collection
walks all of them again (about 30 % of writing a province master, half of
unpacking the reports).  Reference counting frees them all the same.
Importing pandas and pandera is such work too: some two hundred collections
find next to nothing among the objects the modules keep (a tenth of a second).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's state is restored after it, even on error."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
