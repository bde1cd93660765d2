"""Desk pages in the reader's time zone and language (verification/desk/profile.py
says how each is chosen)."""

from django.utils import timezone, translation

from verification.desk.profile import DESK_PATHS, language_of_request, zone_of_request


class DeskTimeZoneMiddleware:
    """Activates the logged-in user's zone for desk pages only: the API's
    datetimes, the admin and the public verdict page stay in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(DESK_PATHS) and request.user.is_authenticated:
            timezone.activate(zone_of_request(request))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class DeskLanguageMiddleware:
    """Puts a logged-in user's own language (their profile) before the one
    LocaleMiddleware read from Accept-Language or the desk's default, as Zulip
    does with a user's default_language. Not on the API, where Accept-Language
    alone decides (a script's key has no profile to follow); the public verdict
    page still chooses its own from ?lang= and Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            chosen = language_of_request(request)
            if chosen:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        # LocaleMiddleware's response half reads the active language for Content-Language, so it stays active.
        return self.get_response(request)
