from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Build a demo federation like Yanqing's: members, applications, chambers, leaders, "
        "the duty roster, petitions, events, services and visits, policies and announcements. "
        "Safe to run again: a second run adds nothing of what is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, quiet=False, **options):
        # Each app seeds its own data, in dependency order: members first.
        call_command("seed_members", quiet=quiet, stdout=self.stdout)
        call_command("seed_chambers", quiet=quiet, stdout=self.stdout)
        call_command("seed_events", stdout=self.stdout)
        call_command("seed_petitions", quiet=quiet, stdout=self.stdout)
        call_command("seed_services", quiet=quiet, stdout=self.stdout)
        call_command("seed_policies", quiet=quiet, stdout=self.stdout)
        call_command("seed_announcements", quiet=quiet, stdout=self.stdout)
