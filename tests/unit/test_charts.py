"""Dashboard charts: accessible, CSP-safe, deterministic SVG whose description carries the
same numbers as the table shown with it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

from sharing.agreements.models import AgreementStatus
from sharing.flows.models import RiskTier
from sharing.reports import charts
from sharing.reports.dashboard import COMPLETION

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = [
    ("2026-Q1", {"accepted": 4, "submitted": 1, "open": 0, "overdue": 2}),
    ("2026-Q2", {"accepted": 0, "submitted": 3, "open": 5, "overdue": 0}),
]


def _parse(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - the app's own matplotlib output


def _all_charts() -> list[charts.Chart]:
    return [
        charts.agreements_chart([(s, i * 2) for i, s in enumerate(AgreementStatus)]),
        charts.risk_chart([(RiskTier.LOW, 3), (RiskTier.HIGH, 1), (None, 7)]),
        charts.attestations_chart(QUARTERS, COMPLETION),
    ]


def test_each_chart_is_an_svg_image_labelled_by_its_title_and_description():
    """role="img", a <title> and a <desc>, and aria-labelledby naming both."""
    for chart in _all_charts():
        root = _parse(charts.render_svg(chart))
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title.text == chart.title
        assert desc.text == chart.description
        assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]


def test_charts_carry_no_inline_styles_embedded_fonts_or_scripts():
    """Presentation attributes only, so the CSP holds; text stays text, so the file is small."""
    for chart in _all_charts():
        data = charts.render_svg(chart)
        root = _parse(data)
        assert all("style" not in element.attrib for element in root.iter())
        assert root.find(f".//{SVG}style") is None and root.find(f".//{SVG}script") is None
        assert b"DejaVuSans-" not in data  # no glyph outlines
        assert root.find(f".//{SVG}text") is not None
        assert len(data) < 40_000


def test_the_same_numbers_give_the_same_bytes_even_from_several_threads():
    """Fixed hash salt and no pyplot state: output is identical, run after run, in parallel."""
    chart = _all_charts()[2]
    expected = charts.render_svg(chart)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: charts.render_svg(chart), range(8)))
    assert all(result == expected for result in results)
    other = charts.attestations_chart(QUARTERS[:1], COMPLETION)
    assert charts.render_svg(other) != expected


def test_the_description_states_every_number_of_the_table():
    """Each table row's numbers appear in the description, in the same order."""
    single, _, stacked = _all_charts()
    for category, (value,) in single.rows():
        assert re.search(rf"\b{category}: {value}[;.]", single.description)
    assert "Sent for signature: 4" in single.description
    for category, values in stacked.rows():
        spoken = re.search(rf"{category}: ([^;.]+)", stacked.description).group(1)
        assert [int(n) for n in re.findall(r"\d+", spoken)] == list(values)
    assert stacked.rows()[0] == ("2026-Q1", (4, 1, 0, 2))


def test_risk_chart_names_flows_without_a_tier_not_assessed():
    """A flow not yet scored is counted, under "Not assessed"."""
    chart = charts.risk_chart([(RiskTier.LOW, 3), (None, 7)])
    assert chart.rows() == [("Low", (3,)), ("Not assessed", (7,))]
    assert "Not assessed: 7" in chart.description


def test_unchanged_numbers_reuse_the_drawing_and_changed_numbers_redraw():
    """A chart with the same numbers is drawn once per worker; new numbers draw anew."""
    first = charts.risk_chart([(None, 3)])
    again = charts.risk_chart([(None, 3)])
    changed = charts.risk_chart([(None, 4)])
    svg = charts.render_svg(first)
    hits = charts.render_svg.cache_info().hits
    assert charts.render_svg(again) is svg
    assert charts.render_svg.cache_info().hits == hits + 1
    assert b"Not assessed: 4" in charts.render_svg(changed)


def test_a_chart_with_nothing_to_count_has_no_negative_or_fractional_ticks():
    """An empty register draws an axis from zero in whole numbers, not one centred on zero."""
    empty = charts.agreements_chart([(s, 0) for s in AgreementStatus])
    texts = [t.text or "" for t in _parse(charts.render_svg(empty)).iter(f"{SVG}text")]
    ticks = [t for t in texts if re.fullmatch(r"[−\-]?\d+(\.\d+)?", t.strip())]
    assert ticks and all(re.fullmatch(r"\d+", t.strip()) for t in ticks), ticks
