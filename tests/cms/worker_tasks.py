"""Tasks the worker tests enqueue (a module-level path, importable by a worker process)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from cms.queue import task


@task()
def slow_once(log_path: str) -> str:
    """Log each start; the first attempt then sleeps long enough to be killed mid-task."""
    log = Path(log_path)
    first = not log.exists()
    with log.open("a") as out:
        out.write(f"start {os.getpid()}\n")
    if first:
        time.sleep(60)
    with log.open("a") as out:
        out.write(f"done {os.getpid()}\n")
    return "finished"


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def broken() -> str:
    raise RuntimeError("the job fell over")
