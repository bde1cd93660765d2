"""A desk user's own settings: for now the time zone the desk shows times in.

One row per user, made the first time they choose something; a user without
one sees the desk's default zone (CLAIMDESK_TIME_ZONE). A preference is not
a claim's state, so it has no history rows: the row says what is chosen now.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names this machine's tz database knows (read once)."""
    return frozenset(zoneinfo.available_timezones())


# One message for an unknown zone, whether the profile form or the model refuses it.
BAD_ZONE = "“%(value)s” is not a time zone name; choose one from the list (e.g. Europe/Kyiv), or the desk's default."


def check_time_zone(name: str) -> str:
    """``name`` if it is a zone we know, '' for the desk's default; else a
    ValidationError naming the field."""
    name = (name or "").strip()
    if name and name not in time_zone_names():
        raise ValidationError({"time_zone": [BAD_ZONE % {"value": name[:64]}]})
    return name


class DeskProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_profile")
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="An IANA zone name such as Europe/Kyiv; blank shows the desk's default (CLAIMDESK_TIME_ZONE).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "desk profile"

    def __str__(self):
        return f"{self.user} ({self.time_zone or 'desk default'})"

    def clean(self):
        self.time_zone = check_time_zone(self.time_zone)  # the admin's form too

    @classmethod
    def chosen_time_zone(cls, user) -> str:
        """The zone ``user`` chose, '' for the desk's default: one query."""
        return cls.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""

    @classmethod
    def choose_time_zone(cls, user, name: str) -> "DeskProfile":
        """Store ``user``'s zone ('' goes back to the desk's default); refuses a
        name the tz database does not know, naming the field."""
        name = check_time_zone(name)
        profile, _ = cls.objects.update_or_create(user=user, defaults={"time_zone": name})
        return profile
