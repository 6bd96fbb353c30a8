"""Run manage.py in a child process, under settings other than the suite's own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def collected_static_root() -> Path:
    """A STATIC_ROOT as collectstatic leaves it, as far as a production server's start-up
    check looks (cms.checks.static_files_collected): a manifest, naming no files here."""
    root = Path(tempfile.gettempdir()) / "byline-tests-collected-static"
    root.mkdir(exist_ok=True)
    manifest = root / "staticfiles.json"
    if not manifest.exists():
        # Written aside and renamed: parallel test workers never read half a file.
        partial = root / f"staticfiles.json.{os.getpid()}"
        partial.write_text(json.dumps({"paths": {}, "version": "1.1", "hash": ""}))
        os.replace(partial, manifest)
    return root


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
