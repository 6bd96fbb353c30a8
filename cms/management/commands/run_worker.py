from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from cms.worker import Pulse, new_worker_id, worker_command


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
        command = worker_command(worker_id=worker_id, burst=burst)
        self.stdout.write(f"Worker {worker_id}: {command[0] if command else 'scheduler only'}")
        try:
            if command is None:  # the immediate backend: the pulse runs periodic jobs itself
                if not burst:
                    pulse.join()
                return
            name, arguments, command_options = command
            call_command(name, *arguments, verbosity=options["verbosity"], **command_options)
        finally:
            pulse.stopping.set()
