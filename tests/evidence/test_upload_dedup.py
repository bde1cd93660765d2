"""Identical bytes are stored once; the same bytes or URL on another claim is
suggested as related."""

from tests.evidence.evidence_support import PNG, stored_files_on_disk, upload
from verification.evidence.writes import add_evidence_file, add_evidence_url, related_evidence
from verification.models import StoredFile


def test_it_links_identical_bytes_to_the_stored_file_instead_of_storing_them_twice(alice, bob, make_claim, media_root):
    first_claim, second_claim = make_claim(), make_claim(text="The video shows Korean soldiers in Kursk.")
    first = add_evidence_file(alice, first_claim.id, upload(PNG, "video-still.png"))
    second = add_evidence_file(bob, second_claim.id, upload(PNG, "same-still-renamed.png"))

    assert StoredFile.objects.count() == 1
    assert first.stored_file_id == second.stored_file_id
    assert len(stored_files_on_disk(media_root / "media")) == 1
    assert list((media_root / "spool").iterdir()) == []
    assert first.custody.get(action="uploaded").detail["deduplicated"] is False
    assert second.custody.get(action="uploaded").detail["deduplicated"] is True
    assert list(related_evidence(second)) == [first]
    assert list(related_evidence(first)) == [second]


def test_it_suggests_the_same_normalised_url_on_another_claim_as_related(alice, make_claim):
    first_claim, second_claim = make_claim(), make_claim(text="Another claim about the same briefing.")
    first = add_evidence_url(
        alice, first_claim.id, "https://www.defense.gov/News/Briefing/?utm_source=x", capture=False
    )
    same = add_evidence_url(alice, second_claim.id, "http://defense.gov/News/Briefing", capture=False)
    other = add_evidence_url(alice, second_claim.id, "https://defense.gov/News/Other", capture=False)
    on_same_claim = add_evidence_url(alice, first_claim.id, "https://defense.gov/News/Briefing#top", capture=False)

    assert set(related_evidence(same)) == {first, on_same_claim}
    assert list(related_evidence(other)) == []
    assert list(related_evidence(first)) == [same]
