"""Bounded retries with back-off, for quota and server errors of remote APIs."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long to insist on quota and server errors before giving up on one spreadsheet.

    With the Sheets quota of 60 requests per minute per user, the default
    budget lets a run wait out one full quota window.
    """

    max_attempts: int = 6
    max_seconds: float = 90.0
    first_delay: float = 2.0
    max_delay: float = 32.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    jitter: Callable[[], float] = random.random

    def delay(self, failures: int, retry_after: float | None = None) -> float:
        """Exponential back-off with "equal jitter"; a server's Retry-After is honoured up to max_delay."""
        cap = min(self.max_delay, self.first_delay * 2 ** (failures - 1))
        wait = cap / 2 + self.jitter() * cap / 2
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_delay))
        return wait


DEFAULT_RETRY = RetryPolicy()
