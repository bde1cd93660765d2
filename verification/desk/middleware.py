"""Desk pages in the reader's time zone (verification/desk/profile.py says how it is chosen)."""

from django.utils import timezone

from verification.desk.profile import DESK_PATHS, zone_of_request


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
