"""Helpers shared by the desk's HTML pages (the views live beside it in verification/desk/).

The desk is server-rendered: every form posts to a plain Django view that
calls verification.workflow.transitions / verification.workflow.claims and redirects; HTMX only
swaps fragments in and out where that saves a reload. So each page works with
JavaScript off, and the HTML pages and the API share one code path for writes.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from verification.workflow.transitions import Refused

PER_PAGE = 25
COUNT_CAP = 1000  # counts stop here and show "1000+", so a page never counts a million rows


def desk_view(view):
    """Logged in, and in a desk role (fact-checker, editor or admin)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.has_perm("verification.view_claim"):
            raise PermissionDenied(gettext("The desk is for fact-checkers and editors; ask an admin for a role."))
        return view(request, *args, **kwargs)

    return wrapper


@dataclass
class BoundedCount:
    value: int
    capped: bool

    def __str__(self):
        return f"{self.value}+" if self.capped else str(self.value)


def bounded_count(queryset, cap: int | None = None) -> BoundedCount:
    """COUNT over at most ``cap + 1`` rows: cheap however large the table is."""
    cap = cap or COUNT_CAP
    n = queryset.order_by()[: cap + 1].count()
    return BoundedCount(min(n, cap), n > cap)


@dataclass
class Window:
    """One page of a list, fetched without counting the whole list."""

    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def page_number(request, name: str = "page") -> int:
    try:
        return max(1, min(int(request.GET.get(name, 1)), 10_000))
    except (TypeError, ValueError):
        return 1


def window(queryset, number: int, per_page: int = PER_PAGE) -> Window:
    """Offset pagination that reads one row past the page to know if there is a next."""
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Window(items=rows[:per_page], number=number, has_next=len(rows) > per_page)


def report_error(request, exc: Exception) -> None:
    """Turn a refused write into a message the user can act on."""
    if isinstance(exc, ValidationError):
        for text in _validation_messages(exc):
            messages.error(request, text)
    elif isinstance(exc, Refused):
        messages.error(request, str(exc))
    else:
        raise exc


def _validation_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {m}" if field != "__all__" else m for field, errors in exc.message_dict.items() for m in errors
        ]
    return list(exc.messages)


def add_validation_errors(form, exc: ValidationError) -> None:
    """Attach a ValidationError from a transition to the form fields it names."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
