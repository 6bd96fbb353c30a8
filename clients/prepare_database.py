"""Prepare the typed-client check's throwaway database in one process (each manage.py would
start Django again): migrate, seed_demo, create_local_logins, then the API tokens the check
uses, printed as one JSON object {name: token}.

Run from the repository root with DJANGO_SETTINGS_MODULE and DATABASE_URL set (clients/check
does): ``python clients/prepare_database.py``. Never against a database you care about.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

TOKENS = {
    # The editor with every content and moderation scope.
    "editor": [
        "content:read",
        "content:preview",
        "content:write",
        "content:publish",
        "comments:moderate",
    ],
    # Narrowed to reading: refused (403) on writes and moderation.
    "reader": ["content:read"],
    # Writes without content:preview: answered only what may be shown without reading drafts.
    "writer": ["content:read", "content:write", "content:publish"],
}


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if "DATABASE_URL" not in os.environ:
        sys.exit("DATABASE_URL must name the throwaway database.")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    # The demo logins are for a developer's machine, so the command insists on DEBUG; this
    # database lives for one run of the check.
    with override_settings(DEBUG=True):
        call_command("create_local_logins", stdout=io.StringIO())
    tokens = {}
    for name, scopes in TOKENS.items():
        out = io.StringIO()
        arguments = ["--user", "editor", "--name", f"clients: {name}"]
        for scope in scopes:
            arguments += ["--scope", scope]
        call_command("create_api_token", *arguments, stdout=out, stderr=io.StringIO())
        tokens[name] = out.getvalue().strip()
    sys.stdout.write(json.dumps(tokens) + "\n")


if __name__ == "__main__":
    main()
