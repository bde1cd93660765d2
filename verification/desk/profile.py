"""The desk user's profile page (their time zone and language) and how desk pages show times.

Every time on a desk page is shown in the reader's zone with the zone's name
("14:37 EET"), through ``format_when`` (templates: the ``when`` filter in
verification/templatetags/desk.py), so nobody has to guess whose 14:37 it is.

The chosen zone and language are kept in the session (set at login and when the
profile is saved), so the pages that poll every few seconds do not read the profile each
time; another browser the user is logged in on picks a change up at its next login.
"""

import zoneinfo
from datetime import date, datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from verification.desk.base import add_validation_errors, desk_view
from verification.models import DeskProfile
from verification.models.profile import BAD_LANGUAGE, BAD_ZONE, time_zone_names

SESSION_KEY = "claimdesk_time_zone"  # the zone the user chose; '' for the desk's default
LANGUAGE_SESSION_KEY = "claimdesk_language"  # the language the user chose; '' for automatic
DESK_PATHS = ("/desk/", "/sources/")  # the pages shown in the reader's zone; the API and admin stay UTC
STYLES = {
    "datetime": "d M Y H:i T",  # 05 Dec 2026 14:37 EET
    "short": "d M H:i T",  # 05 Dec 14:37 EET
    "seconds": "d M H:i:s T",  # 05 Dec 14:37:05 EET
    "full": "d M Y H:i:s T",  # 05 Dec 2026 14:37:05 EET
    "time": "H:i T",  # 14:37 EET
}


def zone_named(name: str) -> zoneinfo.ZoneInfo:
    """The zone called ``name``, or the desk's default for '' or a name the tz database lost."""
    try:
        return zoneinfo.ZoneInfo(name or settings.DESK_TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.DESK_TIME_ZONE)


def zone_of_request(request) -> zoneinfo.ZoneInfo:
    """The reader's zone: from the session, else (a session older than this
    feature) the profile, remembered in the session."""
    chosen = request.session.get(SESSION_KEY)
    if chosen is None:
        chosen = request.session[SESSION_KEY] = DeskProfile.chosen_time_zone(request.user)
    return zone_named(chosen)


def language_of_request(request) -> str:
    """The language the logged-in reader chose ('' for automatic): from the
    session, else (a session older than this feature) the profile, remembered."""
    chosen = request.session.get(LANGUAGE_SESSION_KEY)
    if chosen is None:
        chosen = request.session[LANGUAGE_SESSION_KEY] = DeskProfile.chosen_language(request.user)
    return chosen if chosen in dict(settings.LANGUAGES) else ""


def remember_time_zone(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the session starts out knowing the user's zone and language."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = DeskProfile.chosen_time_zone(user)
        request.session[LANGUAGE_SESSION_KEY] = DeskProfile.chosen_language(user)


def format_when(value, style: str = "datetime", zone=None) -> str:
    """``value`` in ``zone`` (default: the active one) with the zone's name,
    e.g. "05 Dec 2026 14:37 EET"; a date alone as "05 Dec 2026"; '' for nothing."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, zone)
        return dateformat.format(value, STYLES[style])
    if isinstance(value, date):
        return dateformat.format(value, "d M Y")
    return str(value)


class ProfileForm(forms.Form):
    time_zone = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Time zone"),
        error_messages={"invalid_choice": BAD_ZONE},
        help_text=gettext_lazy(
            "Every time on desk pages (leases, the queue's Due, history) is shown in this zone, with its name."
        ),
    )
    language = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Language"),
        error_messages={"invalid_choice": BAD_LANGUAGE},
        help_text=gettext_lazy(
            "The language of the desk and the admin. Automatic follows your browser, then the desk's default."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = [("", gettext("The desk's default (%(zone)s)") % {"zone": settings.DESK_TIME_ZONE})]
        self.fields["time_zone"].choices = default + [(name, name) for name in sorted(time_zone_names())]
        automatic = [("", gettext("Automatic (your browser's language, else the desk's default)"))]
        self.fields["language"].choices = automatic + list(settings.LANGUAGES)  # each named in its own language


@require_http_methods(["GET", "POST"])
@desk_view
def profile(request):
    initial = {"time_zone": request.session.get(SESSION_KEY, ""), "language": language_of_request(request)}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            chosen = DeskProfile.choose(
                request.user, time_zone=form.cleaned_data["time_zone"], language=form.cleaned_data["language"]
            )
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            request.session[SESSION_KEY] = chosen.time_zone
            request.session[LANGUAGE_SESSION_KEY] = chosen.language
            zone = zone_named(chosen.time_zone)
            # The message is read on the next page, so it is written in the language that page will speak.
            with translation.override(chosen.language or translation.get_language_from_request(request)):
                now = format_when(timezone.now(), "time", zone)
                messages.success(
                    request,
                    gettext("Saved. Times on the desk are now shown in %(zone)s (it is %(now)s there).")
                    % {"zone": zone.key, "now": now},
                )
            return redirect("desk-profile")
    context = {"form": form, "zone": timezone.get_current_timezone(), "now": timezone.now()}
    return render(request, "verification/profile.html", context, status=400 if form.errors else 200)
