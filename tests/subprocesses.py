"""Run manage.py in a child process, under settings other than the suite's own."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_manage(
    settings_module: str,
    env: dict[str, str],
    *args: str,
    unset: Iterable[str] = (),
    timeout: int = 60,
) -> subprocess.CompletedProcess[str]:
    """``manage.py *args`` with ``env`` over this process's environment, minus ``unset``."""
    unset = set(unset)
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update({"DJANGO_SETTINGS_MODULE": settings_module, **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
