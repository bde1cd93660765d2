"""`python manage.py apikey create|list|revoke`: API keys for newsroom clients.

apikey create --name CMS --scope read [--user U] [--expires DAYS]
    prints the new key alone on standard output, once (it is not stored);
    --user is required for review and admin keys, which act as that user.
apikey list
    every key by prefix, with scope, user and state.
apikey revoke PREFIX
    revokes at once; the admin can revoke too.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from verification.api.keys import ApiKeyError, create_key, find_by_prefix, key_state, revoke_key
from verification.models import ApiKey


class Command(BaseCommand):
    help = "Create, list and revoke API keys."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a key and print it once.")
        create.add_argument("--name", required=True, help="Who or what the key is for, e.g. 'CMS plugin'.")
        create.add_argument("--scope", required=True, choices=ApiKey.Scope.values)
        create.add_argument("--user", help="Username the key acts as (required for review and admin).")
        create.add_argument("--expires", type=int, metavar="DAYS", help="Expire after this many days.")
        actions.add_parser("list", help="List keys by prefix.")
        revoke = actions.add_parser("revoke", help="Revoke a key.")
        revoke.add_argument("prefix", help="The key's prefix as `apikey list` shows it.")

    def handle(self, *args, **options):
        try:
            return getattr(self, f"_{options['action']}")(options)
        except ApiKeyError as exc:
            raise CommandError(str(exc)) from None

    def _create(self, options):
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user '{options['user']}'. Create the account first.")
        elif options["scope"] != ApiKey.Scope.READ:
            raise CommandError(f"A {options['scope']} key acts as a person: add --user USERNAME.")
        key, raw = create_key(options["name"], options["scope"], user=user, expires_days=options["expires"])
        # Only the key on stdout, so `KEY=$(manage.py apikey create …)` works; the rest to stderr.
        self.stdout.write(raw)
        until = f", expires {key.expires_at:%Y-%m-%d}" if key.expires_at else ""
        self.stderr.write(
            f"Created {key.scope} key {key.prefix}… '{key.name}'{until}. Store it now: it is not shown again."
        )

    def _list(self, options):
        keys = ApiKey.objects.select_related("user").order_by("created_at", "id")
        if not keys:
            self.stdout.write("No API keys.")
            return
        self.stdout.write(f"{'prefix':<13} {'scope':<7} {'state':<8} {'user':<16} {'last used':<17} name")
        for key in keys:
            used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
            user = key.user.username if key.user else "-"
            self.stdout.write(f"{key.prefix:<13} {key.scope:<7} {key_state(key):<8} {user:<16} {used:<17} {key.name}")

    def _revoke(self, options):
        already = find_by_prefix(options["prefix"]).revoked_at is not None
        key = revoke_key(options["prefix"])
        if already:
            self.stdout.write(f"Key {key.prefix}… was already revoked on {key.revoked_at:%Y-%m-%d %H:%M}.")
        else:
            self.stdout.write(f"Revoked key {key.prefix}… '{key.name}'.")
