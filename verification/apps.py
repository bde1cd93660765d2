from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = gettext_lazy("Verification")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        import config.checks  # noqa: F401  (registers the deployment checks)
        from sources.signals import source_graded
        from verification.desk.profile import remember_time_zone
        from verification.webhooks import outbox

        # A grade is announced to webhook subscribers in the grading transaction.
        source_graded.connect(outbox.announce_grade, dispatch_uid="claimdesk.announce_grade")
        # The session learns the user's time zone at login, so desk pages need no query for it.
        user_logged_in.connect(remember_time_zone, dispatch_uid="claimdesk.remember_time_zone")
