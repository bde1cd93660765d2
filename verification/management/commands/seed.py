"""`python manage.py seed`: load the seed story (seeds/*.json) idempotently.

Everything is checked before anything is written, and written in one
transaction. With DEBUG on (development only) it also makes one demo login
per role and prints them; with DEBUG off it never creates accounts.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from sources.roles import ADMINS, EDITORS, FACT_CHECKERS
from verification.seeding.loader import SeedInvalid, load_seeds

DEMO_PASSWORD = "claimdesk-demo"  # development only: printed, and never created when DEBUG is off
DEMO_USERS = [("factchecker", FACT_CHECKERS), ("factchecker2", FACT_CHECKERS), ("editor", EDITORS), ("admin", ADMINS)]


class Command(BaseCommand):
    help = "Load the seed story from seeds/*.json (idempotent); with DEBUG on, also create demo users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            default=str(Path(settings.BASE_DIR) / "seeds"),
            help="Folder of *.json seed files (default: seeds/).",
        )

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        demo = []
        try:
            report = load_seeds(Path(options["path"]), before_write=lambda report: demo.extend(self._demo_users()))
        except SeedInvalid as exc:
            lines = "\n".join(f"  {error}" for error in exc.errors)
            raise CommandError(f"Seed files have {len(exc.errors)} error(s); nothing was written:\n{lines}") from None
        if not verbose:
            return
        made = ", ".join(f"{n} {what}" for what, n in report.created.items() if n)
        self.stdout.write(f"Seeded from {options['path']}: {made or 'nothing new (already loaded)'}.")
        for note in report.notes:
            self.stdout.write(f"  note: {note}")
        self._print_logins(demo)

    def _demo_users(self) -> list[tuple[str, str, bool]]:
        """(username, role, created) for each demo login; none when DEBUG is off."""
        if not settings.DEBUG:
            return []
        users = []
        for username, role in DEMO_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org", "is_staff": role == ADMINS}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if not user.groups.filter(name=role).exists():
                user.groups.add(Group.objects.get(name=role))
            users.append((username, role, created))
        return users

    def _print_logins(self, demo) -> None:
        if not settings.DEBUG:
            self.stdout.write("DEBUG is off: no demo users were created.")
            return
        self.stdout.write("Demo logins (development only) at /accounts/login/ and /admin/:")
        for username, role, created in demo:
            password = DEMO_PASSWORD if created else f"{DEMO_PASSWORD} (unless you changed it)"
            self.stdout.write(f"  {username:<13} {role:<14} password: {password}")
