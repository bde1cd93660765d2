from django.apps import AppConfig


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = "Verification"

    def ready(self):
        import config.checks  # noqa: F401  (registers the deployment checks)
        from sources.signals import source_graded
        from verification.webhooks import outbox

        # A grade is announced to webhook subscribers in the grading transaction.
        source_graded.connect(outbox.announce_grade, dispatch_uid="claimdesk.announce_grade")
