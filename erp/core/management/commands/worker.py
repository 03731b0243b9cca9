"""`erp worker`: the job consumer (huey) that runs background and scheduled jobs."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background job worker (huey consumer, queue from settings.HUEY)."

    def add_arguments(self, parser):
        consumer = settings.HUEY.get("consumer", {}) if isinstance(settings.HUEY, dict) else {}
        parser.add_argument("--workers", type=int, default=consumer.get("workers", 2))

    def handle(self, *args, **options):
        call_command("run_huey", workers=options["workers"])
