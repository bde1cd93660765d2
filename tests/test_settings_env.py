from django.conf import settings


def test_it_isolates_test_runs_from_the_development_desk():
    assert settings.VAR_DIR.name.startswith("test")
    assert "test" in settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", "var/test/")
