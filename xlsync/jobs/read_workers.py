"""Reading many files in forked worker processes, started before the run's plan is known.

A province run reads ten thousand files.  Loading the plan imports pandas
and pandera, most of a second: workers forked before that read files in the
meantime and hold them, and finish each one (parse and pack it) once the
plan arrives through a pipe.  Workers forked once the plan is loaded have
it from the start (a fork shares the parent's memory; pickling the plan of
ten thousand units would cost a tenth of a second at each end).  Each worker claims a few files at a time from a shared
counter, so a slow file does not hold the others up, and sends back one
message per claim; the parent puts the results back in the files' order.

Nothing here knows what a file holds: the caller gives ``read`` (path →
item, in the worker, before the plan) and ``finish`` (item, plan →
something small to send), and receives what ``finish`` returned.
"""

from __future__ import annotations

import multiprocessing
import pickle
import weakref
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Callable, Generic, Sequence, TypeVar

Item = TypeVar("Item")
Packed = TypeVar("Packed")

# Files a worker reads ahead and holds while the plan is loading (a report holds a few kilobytes of cells).
READ_AHEAD_FILES = 512
_DONE = b""


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    results: Connection  # worker → parent: pickled [(index, packed), ...] per claim, then _DONE
    plan: Connection  # parent → worker: the pickled plan, once


class ReadWorkers(Generic[Item, Packed]):
    """``count`` forked processes reading ``paths``; :meth:`finish` sends the plan and collects the results."""

    def __init__(
        self,
        paths: Sequence[Any],
        count: int,
        read: Callable[[Any], Item],
        finish: Callable[[Item, Any], Packed],
        chunk: int,
        plan: Any = None,
    ) -> None:
        """``plan`` None: the plan is sent by :meth:`finish`."""
        context = multiprocessing.get_context("fork")
        self._plan_given = plan is not None
        claims = context.Value("q", 0)  # the index of the next file nobody has claimed
        self._workers: list[_Worker] = []
        self._count = len(paths)
        # Stopped by close(), or when dropped unfinished (a run that ends early), or at exit.
        self._stop = weakref.finalize(self, _stop, self._workers)
        try:
            for _ in range(count):
                results_out, results_in = context.Pipe(duplex=False)
                plan_out, plan_in = context.Pipe(duplex=False)
                process = context.Process(
                    target=_work, args=(paths, claims, chunk, read, finish, plan, results_in, plan_out), daemon=True
                )
                process.start()
                results_in.close()  # the parent's copies: end of file on a pipe then means the worker is gone
                plan_out.close()
                self._workers.append(_Worker(process, results_out, plan_in))
        except BaseException:
            self.close()
            raise

    def finish(self, plan: Any, on_result: Callable[[int, Packed], None]) -> None:
        """Send ``plan`` to every worker (unless they have it) and call ``on_result(index, packed)`` for each file
        as it comes back."""
        try:
            if not self._plan_given:
                payload = pickle.dumps(plan, pickle.HIGHEST_PROTOCOL)
                for worker in self._workers:
                    try:
                        worker.plan.send_bytes(payload)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the worker already ended (a file it could not read): its results say why
            received = 0
            waiting = {worker.results: worker for worker in self._workers}
            while waiting:
                for ready in wait(list(waiting)):
                    message = _receive(ready, waiting[ready])
                    if message == _DONE:
                        del waiting[ready]
                        continue
                    for index, packed in pickle.loads(message):
                        received += 1
                        on_result(index, packed)
            if received != self._count:
                raise RuntimeError(f"{self._count - received} files were not read by the workers")
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers (at once if they are still reading: the run is ending)."""
        self._stop()


def _stop(workers: list[_Worker]) -> None:
    for worker in workers:
        if worker.process.is_alive():
            worker.process.terminate()
        worker.process.join()
        worker.results.close()
        worker.plan.close()
    workers.clear()


def _receive(connection: Connection, worker: _Worker) -> bytes:
    try:
        message = connection.recv_bytes()
    except EOFError:
        worker.process.join()
        raise RuntimeError(f"a reading process ended unexpectedly (exit code {worker.process.exitcode})") from None
    if message.startswith(b"!"):  # the worker's own error, raised here with its traceback in the text
        raise RuntimeError(f"a reading process failed:\n{message[1:].decode('utf-8', 'replace')}")
    return message


def _work(
    paths: Sequence[Any],
    claims: Any,
    chunk: int,
    read: Callable[[Any], Any],
    finish: Callable[[Any, Any], Any],
    plan: Any,
    results: Connection,
    plan_source: Connection,
) -> None:
    """The worker: claim files, read them, and once the plan is here finish and send them."""
    held: list[tuple[int, Any]] = []
    try:
        while (start := _claim(claims, chunk)) < len(paths):
            held += [(index, read(paths[index])) for index in range(start, min(start + chunk, len(paths)))]
            if plan is None and (plan_source.poll() or len(held) >= READ_AHEAD_FILES):
                plan = pickle.loads(plan_source.recv_bytes())
            if plan is not None:
                _send(results, held, plan, finish)
                held = []
        if held:
            plan = plan if plan is not None else pickle.loads(plan_source.recv_bytes())
            _send(results, held, plan, finish)
        results.send_bytes(_DONE)
    except BaseException:  # noqa: BLE001 - whatever it is, the parent must hear of it rather than wait
        import traceback

        results.send_bytes(b"!" + traceback.format_exc().encode("utf-8", "replace"))
    finally:
        results.close()


def _claim(claims: Any, chunk: int) -> int:
    with claims.get_lock():
        start = claims.value
        claims.value = start + chunk
    return start


def _send(results: Connection, held: list[tuple[int, Any]], plan: Any, finish: Callable[[Any, Any], Any]) -> None:
    results.send_bytes(pickle.dumps([(index, finish(item, plan)) for index, item in held], pickle.HIGHEST_PROTOCOL))
