from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy


def grant_roles(sender, **kwargs):
    """After migrate (and flush): once per run, after the last app, when every
    model's permissions exist, so roles also cover models added later."""
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    from sources.roles import ensure_roles

    ensure_roles()


class SourcesConfig(AppConfig):
    name = "sources"
    verbose_name = gettext_lazy("Source records")

    def ready(self):
        post_migrate.connect(grant_roles, dispatch_uid="claimdesk.grant_roles")
