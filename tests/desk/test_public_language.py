"""The public verdict page says what language the claim is in, for screen
readers, search engines and ClaimReview consumers."""

import pytest
from django.test import Client


@pytest.mark.django_db
def test_the_public_page_marks_the_claim_text_with_its_language(published):
    published.refresh_from_db()
    html = Client().get(f"/claims/{published.pk}/").content.decode()
    assert f'<h1 lang="{published.language}">' in html
    assert f'"inLanguage": "{published.language}"' in html
