"""Dashboard charts as small, accessible, deterministic SVG, drawn with matplotlib.

Each chart gets a fresh `Figure` (no pyplot and its figure registry), is saved with a fixed
hash salt and text kept as text (no embedded glyphs), and is then tidied:
the SVG carries `role="img"`, a `<title>` and a `<desc>` that spell out every number, and
`aria-labelledby`; matplotlib's `style=` attributes and `<style>` element become plain
presentation attributes, so the picture obeys a CSP that forbids inline styles.

matplotlib's settings (rcParams) are one global dict, and `rc_context` changes it in place, so
two threads drawing at once would see each other's settings: drawing holds a lock.
"""

from __future__ import annotations

import functools
import io
import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

RC = {
    "svg.hashsalt": "sharing-dashboard",
    "svg.fonttype": "none",
    "svg.id": None,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
PRESENTATION = {
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-linejoin",
    "stroke-linecap",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "font-size",
    "font-family",
    "font-weight",
    "font-style",
    "text-anchor",
    "clip-path",
}
_DRAWING = threading.Lock()
BLUE, GREEN, GREY, RED, AMBER = "#0d6efd", "#198754", "#6c757d", "#dc3545", "#b35c00"


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[int, ...]
    colour: str


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str

    @property
    def description(self) -> str:
        """Every number in the chart, as a sentence a screen reader can read out."""
        if len(self.series) == 1:
            values = self.series[0].values
            parts = [f"{c}: {v}" for c, v in zip(self.categories, values, strict=True)]
            return f"{self.title}, {self.unit}. " + "; ".join(parts) + "."
        groups = []
        for index, category in enumerate(self.categories):
            inner = ", ".join(f"{s.label.lower()} {s.values[index]}" for s in self.series)
            groups.append(f"{category}: {inner}")
        return f"{self.title}, {self.unit}. " + "; ".join(groups) + "."

    def rows(self) -> list[tuple[str, tuple[int, ...]]]:
        """The table under the chart: one row per category, one number per series."""
        return [
            (category, tuple(s.values[index] for s in self.series))
            for index, category in enumerate(self.categories)
        ]


# -- the three dashboard charts -----------------------------------------------------------


def agreements_chart(by_status: list[tuple[Any, int]]) -> Chart:
    return Chart(
        name="agreements",
        title="Agreements by status",
        categories=tuple(status.label for status, _ in by_status),
        series=(Series("Agreements", tuple(n for _, n in by_status), BLUE),),
        unit="number of agreements",
    )


def risk_chart(by_tier: list[tuple[Any, int]]) -> Chart:
    return Chart(
        name="risk",
        title="Data flows by risk tier",
        categories=tuple(tier.label if tier else "Not assessed" for tier, _ in by_tier),
        series=(Series("Flows", tuple(n for _, n in by_tier), AMBER),),
        unit="number of flows in the register",
    )


def attestations_chart(by_quarter: list[tuple[str, dict[str, int]]], keys) -> Chart:
    colours = {"accepted": GREEN, "submitted": BLUE, "open": GREY, "overdue": RED}
    return Chart(
        name="attestations",
        title="Attestation completion by quarter of the due date",
        categories=tuple(label for label, _ in by_quarter),
        series=tuple(
            Series(label, tuple(counts[key] for _, counts in by_quarter), colours[key])
            for key, label in keys
        ),
        unit="number of attestation requests",
    )


# -- drawing -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def render_svg(chart: Chart) -> bytes:
    """The chart as a standalone SVG document (UTF-8 bytes), identical for identical data.
    Drawing takes about 0.1 s, so each worker keeps the latest drawings: a dashboard whose
    numbers have not changed since the last visit costs only its queries."""
    with _DRAWING, matplotlib.rc_context(RC):
        height = 0.9 + 0.32 * max(len(chart.categories), 3) + 0.3 * (len(chart.series) > 1)
        figure = Figure(figsize=(6, height), dpi=72, layout="constrained")
        axes = figure.add_subplot()
        _draw_bars(axes, chart)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _accessible(buffer.getvalue(), chart)


def _draw_bars(axes, chart: Chart) -> None:
    """Horizontal bars (stacked when there are several series), first category on top."""
    positions = range(len(chart.categories))
    left = [0] * len(chart.categories)
    for series in chart.series:
        axes.barh(positions, series.values, left=left, color=series.colour, label=series.label)
        left = [a + b for a, b in zip(left, series.values, strict=True)]
    axes.set_yticks(list(positions), labels=list(chart.categories))
    axes.invert_yaxis()
    axes.xaxis.get_major_locator().set_params(integer=True)
    # Counts start at zero; with nothing to count, matplotlib would centre the axis on zero
    # and label it with negative fractions.
    axes.set_xlim(left=0, right=max(max(left, default=0), 1) * 1.05)
    axes.set_xlabel(chart.unit.capitalize())
    if len(chart.series) > 1:
        axes.figure.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)


def _accessible(data: bytes, chart: Chart) -> bytes:
    root = ET.fromstring(data)  # noqa: S314 - matplotlib's own output, not user input
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}metadata", f"{{{SVG_NS}}}style"):
                parent.remove(child)
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            element.attrib.update(_presentation(style))
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart.name}-title {chart.name}-desc")
    title = ET.Element(f"{{{SVG_NS}}}title", id=f"{chart.name}-title")
    title.text = chart.title
    desc = ET.Element(f"{{{SVG_NS}}}desc", id=f"{chart.name}-desc")
    desc.text = chart.description
    root.insert(0, desc)
    root.insert(0, title)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _presentation(style: str) -> dict[str, str]:
    """`fill: #fff; font: ...` as presentation attributes; anything else is dropped."""
    attributes = {}
    for declaration in style.split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name == "font-family":
            value = re.sub(r"'([^']*)'", r"\1", value)
        if name in PRESENTATION and value:
            attributes[name] = value
    return attributes
