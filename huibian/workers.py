"""Worker processes for ingest: every file is processed in a child, within limits.

`LocalRunner(n, limits)(jobs)` keeps up to `n` worker processes, hands each one file at
a time over a pipe and yields each file's Outcome as it comes back. A worker

- ignores Ctrl-C (the parent decides: it kills the workers and commits what it has),
- dies with its parent (PR_SET_PDEATHSIG on Linux; a closed pipe everywhere else),
- runs under an address-space limit (RLIMIT_AS, the worker's size at start plus
  `limits.memory_mb`), so a file that needs too much memory raises MemoryError in that
  worker — reported as one line — instead of pushing the machine into swap,
- is killed when a file takes longer than `limits.seconds`, and replaced.

A worker that dies (killed by the kernel, a crash in a C library) costs only its file.
multiprocessing.Pool does none of the per-worker killing; this is the small pool that
does, written on multiprocessing's own Process, Pipe and connection.wait.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait

from huibian.ingest import Job, Limits, Outcome, work

_TASKS_PER_WORKER = 200  # a fresh process now and then returns what fragmentation held
_HEARTBEAT = 1.0  # seconds without an outcome after which the runner yields None


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (kill -9 of an ingest)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:
        return
    now = _address_space()
    if now is None or memory_mb <= 0:
        return
    limit = now + memory_mb * 2**20
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker(conn: Connection, limits: Limits, inherited: list[Connection]) -> None:
    """A worker's life: files in, outcomes out, until the pipe closes or a None comes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    for other in inherited:  # other workers' pipe ends, copied by fork: not ours to hold open
        with contextlib.suppress(OSError):
            other.close()
    _limit_memory(limits.memory_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        outcome = work(job)
        try:
            conn.send(outcome)
        except MemoryError:
            conn.send(Outcome(job.key, None, "out of memory (over the per-file memory limit, --max-memory)"))
            return
        except (BrokenPipeError, OSError):
            return
        if outcome.fatal:
            return


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, limits: Limits, others: list[Connection]):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker, args=(child, limits, others), daemon=True)
        self.proc.start()
        child.close()
        self.job: Job | None = None
        self.deadline = 0.0
        self.tasks = 0

    def give(self, job: Job, seconds: float) -> None:
        self.job = job
        self.tasks += 1
        self.deadline = time.monotonic() + seconds
        self.conn.send(job)

    def kill(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.proc.kill()
        self.proc.join(2)
        with contextlib.suppress(OSError):
            self.conn.close()


def _death(proc: mp.process.BaseProcess) -> str:
    proc.join(1)
    code = proc.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        hint = " — out of memory?" if -code == signal.SIGKILL else ""
        return f"the worker processing it was killed ({name}{hint})"
    return f"the worker processing it stopped (exit code {code})"


class LocalRunner:
    """Run `work` over jobs in up to `n` child processes, each file within `limits`."""

    def __init__(self, n: int, limits: Limits | None = None):
        self.n = max(1, n)
        self.limits = limits or Limits()
        start = "fork" if "fork" in mp.get_all_start_methods() else None
        self.ctx = mp.get_context(start)

    def __call__(self, jobs: list[Job]) -> Iterator[Outcome | None]:
        pending = deque(jobs)
        idle: list[_Worker] = []
        busy: dict[Connection, _Worker] = {}
        n = min(self.n, len(jobs))
        try:
            while pending or busy:
                while pending and (idle or len(idle) + len(busy) < n):
                    if idle:
                        w = idle.pop()
                    else:
                        w = _Worker(self.ctx, self.limits, [x.conn for x in (*idle, *busy.values())])
                    try:
                        w.give(pending[0], self.limits.seconds)
                    except (BrokenPipeError, OSError):  # it died while idle: replace it
                        w.kill()
                        continue
                    pending.popleft()
                    busy[w.conn] = w
                timeout = max(0.0, min(w.deadline for w in busy.values()) - time.monotonic())
                ready = wait(list(busy), min(timeout, _HEARTBEAT))
                if not ready and timeout > _HEARTBEAT:
                    yield None  # nothing finished for a while: the writer may commit meanwhile
                for conn in ready:
                    w = busy.pop(conn)
                    job = w.job
                    assert job is not None
                    try:
                        outcome = conn.recv()
                    except (EOFError, OSError):
                        outcome = Outcome(job.key, None, _death(w.proc))
                        w.kill()
                    else:
                        if outcome.fatal or w.tasks >= _TASKS_PER_WORKER:
                            w.kill()  # out of memory: a fresh process is safer; or simply retired
                        else:
                            idle.append(w)
                    yield outcome
                now = time.monotonic()
                for conn, w in list(busy.items()):
                    if w.deadline <= now:
                        del busy[conn]
                        w.kill()
                        assert w.job is not None
                        yield Outcome(w.job.key, None, f"gave up after {self.limits.seconds:g} s (the per-file "
                                      "time limit, --timeout): is the file pathological?")
        finally:  # done, or the caller stopped (Ctrl-C): no worker outlives the run
            for w in (*idle, *busy.values()):
                w.kill()
