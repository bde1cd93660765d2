"""The claim page's attribution diagram: names whole (wrapped, and in full on
hover and in the list), arrows from whoever said it to whoever passed it on,
and a legend saying so."""

import re
from html import unescape

import pytest

from verification.desk.charts import attribution_chain
from verification.workflow.claims import AttributionInput, ClaimInput, create_claim

LONG = "HUR (Main Directorate of Intelligence of the Ministry of Defence of Ukraine)"


def _boxes(svg: str) -> dict[str, dict]:
    """Each box by its tooltip: rectangle and the text lines drawn in it."""
    found = {}
    for group in re.findall(r"<g><title>(.*?)</title>(.*?)</g>", svg, re.S):
        title, body = group
        x, y, w, h = (
            float(v)
            for v in re.search(r'<rect x="([\d.]+)" y="([\d.]+)" width="(\d+)" height="([\d.]+)"', body).groups()
        )
        found[unescape(title)] = {
            "box": (x, y, w, h),
            "lines": [unescape(t) for t in re.findall(r">([^<]*)</text>", body)],
        }
    return found


@pytest.fixture
def chain(make_source):
    hur = make_source(LONG, kind="military_intelligence")
    outlet = make_source("Ukrainska Pravda", kind="media_outlet")
    pentagon = make_source("Pentagon", kind="government_body")
    claim = create_claim(
        None,
        ClaimInput(
            text="North Korea has sent 11,000 soldiers to Russia's Kursk region.",
            attributions=[
                AttributionInput(source=hur, role="stated"),
                AttributionInput(source=outlet, role="relayed", relays_source=hur),
                AttributionInput(source=pentagon, role="could_not_confirm"),
            ],
        ),
    )
    return list(claim.attributions.select_related("source__parent", "relays__source"))


@pytest.mark.django_db
def test_it_wraps_a_long_name_whole_inside_its_box(chain):
    boxes = _boxes(attribution_chain(chain))
    hur = boxes[f"{LONG}: Stated"]
    name_lines = hur["lines"][:-1]
    assert len(name_lines) > 1 and " ".join(name_lines) == LONG  # every word drawn, none cut
    x, y, width, height = hur["box"]
    assert height >= 16 + 15 * len(name_lines) + 14  # the box grows to hold them
    assert all(len(line) <= 26 for line in name_lines)  # each line fits the box's width


@pytest.mark.django_db
def test_it_points_the_arrow_from_who_said_it_to_who_passed_it_on(chain):
    svg = attribution_chain(chain)
    boxes = _boxes(svg)
    hur, outlet = boxes[f"{LONG}: Stated"]["box"], boxes["Ukrainska Pravda: Relayed"]["box"]
    arrows = re.findall(r'<path d="M([\d.]+),([\d.]+) L([\d.]+),([\d.]+)"[^>]*marker-end="url\(#arrow\)"', svg)
    start_x, start_y, end_x, end_y = (float(v) for v in arrows[0])
    assert start_x == hur[0] + hur[2] and hur[1] <= start_y <= hur[1] + hur[3]  # leaves the stater's right edge
    assert outlet[0] - 5 <= end_x < outlet[0] and outlet[1] <= end_y <= outlet[1] + outlet[3]  # tip at the relayer
    assert 'orient="auto"' in svg  # the head follows the line, so it points at the relayer
    assert "passed it on to (A → B: B relayed A)" in unescape(svg)  # the legend
    assert "Ukrainska Pravda relayed (passing on " + LONG + ")" in unescape(svg)  # and the description


@pytest.mark.django_db
def test_it_shows_the_full_names_in_the_list_under_the_diagram(login, alice, chain):
    html = login(alice).get(f"/desk/claims/{chain[0].claim_id}/").content.decode()
    chain_list = html[html.index('class="plain-list small spaced-top chain-list"') :]
    assert LONG in unescape(chain_list[: chain_list.index("</ul>")])
    assert 'class="chart chain-diagram"' in html  # the class the phone layout hides it by
