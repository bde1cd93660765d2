"""A desk user's own settings: the time zone the desk shows times in and the
language of its interface.

One row per user, made the first time they choose something; a user without
one sees the desk's default zone (CLAIMDESK_TIME_ZONE) and the language their
browser asks for (else CLAIMDESK_LANGUAGE). A preference is not
a claim's state, so it has no history rows: the row says what is chosen now.
"""

import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names this machine's tz database knows (read once)."""
    return frozenset(zoneinfo.available_timezones())


# One message for an unknown zone, whether the profile form or the model refuses it.
BAD_ZONE = _("“%(value)s” is not a time zone name; choose one from the list (e.g. Europe/Kyiv), or the desk's default.")
BAD_LANGUAGE = _("“%(value)s” is not a language of the desk; choose one from the list, or automatic.")


def check_time_zone(name: str) -> str:
    """``name`` if it is a zone we know, '' for the desk's default; else a
    ValidationError naming the field."""
    name = (name or "").strip()
    if name and name not in time_zone_names():
        raise ValidationError({"time_zone": [BAD_ZONE % {"value": name[:64]}]})
    return name


def check_language(code: str) -> str:
    """``code`` if it is one of LANGUAGES, '' for automatic; else a
    ValidationError naming the field."""
    code = (code or "").strip().lower()
    if code and code not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [BAD_LANGUAGE % {"value": code[:16]}]})
    return code


class DeskProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_profile", verbose_name=_("user")
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        verbose_name=_("time zone"),
        help_text=_("An IANA zone name such as Europe/Kyiv; blank shows the desk's default (CLAIMDESK_TIME_ZONE)."),
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        verbose_name=_("language"),
        help_text=_("The desk's language for this user; blank follows the browser, then the desk's default."),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("desk profile")
        verbose_name_plural = _("desk profiles")

    def __str__(self):
        return f"{self.user} ({self.time_zone or 'desk default'}, {self.language or 'automatic'})"

    def clean(self):
        self.time_zone = check_time_zone(self.time_zone)  # the admin's form too
        self.language = check_language(self.language)

    @classmethod
    def chosen_time_zone(cls, user) -> str:
        """The zone ``user`` chose, '' for the desk's default: one query."""
        return cls.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""

    @classmethod
    def choose_time_zone(cls, user, name: str) -> "DeskProfile":
        """Store ``user``'s zone ('' goes back to the desk's default); refuses a
        name the tz database does not know, naming the field."""
        name = check_time_zone(name)
        profile, _created = cls.objects.update_or_create(user=user, defaults={"time_zone": name})
        return profile

    @classmethod
    def chosen_language(cls, user) -> str:
        """The language ``user`` chose, '' for automatic: one query."""
        return cls.objects.filter(user=user).values_list("language", flat=True).first() or ""

    @classmethod
    def choose_language(cls, user, code: str) -> "DeskProfile":
        """Store ``user``'s language ('' for automatic), keeping their zone."""
        code = check_language(code)
        profile, _created = cls.objects.update_or_create(user=user, defaults={"language": code})
        return profile

    @classmethod
    def choose(cls, user, *, time_zone: str, language: str) -> "DeskProfile":
        """Store ``user``'s zone and language ('' for the desk's default and
        automatic); refuses an unknown zone or language, naming the field."""
        time_zone, language = check_time_zone(time_zone), check_language(language)
        profile, _created = cls.objects.update_or_create(
            user=user, defaults={"time_zone": time_zone, "language": language}
        )
        return profile
