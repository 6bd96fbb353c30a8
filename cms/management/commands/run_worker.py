from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cms.worker import Pulse, backend_kind, new_worker_id, run_tasks


class Command(BaseCommand):
    help = (
        "Run the task worker for the configured TASKS backend (db_worker or rqworker), with "
        "its heartbeat and the periodic scheduler. The Procfile's worker line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst", action="store_true", help="Run what is queued, then exit (cron, tests)."
        )
        parser.add_argument("--worker-id", help="Unique across workers (default: host-pid-random).")

    def handle(
        self, *args: Any, burst: bool = False, worker_id: str | None = None, **options: Any
    ) -> None:
        worker_id = worker_id or new_worker_id()
        pulse = Pulse(worker_id)
        pulse.tick()  # registered (and this period's jobs enqueued) before any task is claimed
        pulse.start()
        kind = backend_kind()
        self.stdout.write(f"Worker {worker_id}: {kind} backend")
        try:
            if kind == "none":  # the immediate backend: the pulse runs periodic jobs itself
                if not burst:
                    pulse.join()
                return
            run_tasks(worker_id=worker_id, burst=burst, verbosity=options["verbosity"])
        finally:
            pulse.stopping.set()
