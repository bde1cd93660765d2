"""Notifications: a list, an unread badge in the navigation, marking read."""

import pytest

from verification.models import Notification
from verification.workflow.notifications import notify


@pytest.mark.django_db
def test_it_lists_notifications_and_shows_the_unread_badge(login, alice, story_claim):
    notify([alice], "assigned", story_claim, "erin assigned you claim 1.")
    notify([alice], "returned", story_claim, "erin returned claim 1: add sources.")
    client = login(alice)
    queue = client.get("/desk/").content.decode()
    assert 'class="badge" aria-label="2 unread">2</span>' in queue
    html = client.get("/desk/notifications").content.decode()
    assert "erin assigned you claim 1." in html and "add sources" in html and "(2 unread)" in html


@pytest.mark.django_db
def test_it_marks_one_and_then_all_as_read(login, alice, story_claim):
    notify([alice], "assigned", story_claim, "First.")
    notify([alice], "returned", story_claim, "Second.")
    first = Notification.objects.get(message="First.")
    client = login(alice)
    client.post("/desk/notifications/read", {"id": first.pk})
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    response = client.post("/desk/notifications/read", follow=True)
    assert "Marked 1 notification as read." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert 'class="badge"' not in client.get("/desk/").content.decode()


@pytest.mark.django_db
def test_it_never_touches_another_users_notifications(login, alice, bob, story_claim):
    notify([bob], "assigned", story_claim, "For bob.")
    client = login(alice)
    client.post("/desk/notifications/read")
    assert "For bob." not in client.get("/desk/notifications").content.decode()
    assert Notification.objects.get(user=bob).read_at is None


@pytest.mark.django_db
def test_it_caps_the_badge_and_keeps_the_query_count_fixed(login, alice, story_claim, django_assert_max_num_queries):
    Notification.objects.bulk_create(
        [Notification(user=alice, kind="assigned", claim=story_claim, message=f"N{i}") for i in range(120)]
    )
    client = login(alice)
    with django_assert_max_num_queries(10):
        response = client.get("/desk/notifications")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="99+ unread">99+</span>' in html and "Older →" in html
