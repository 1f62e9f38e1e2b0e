"""What every page with plotly charts shares (accountability's dashboards, villages' overview
and satisfaction pages): the JSON they embed and the one palette, so that a colour means the
same on every chart. static/css/site.css holds the same colours as CSS variables
(``--ok``, ``--warn``, ``--bad``, ``--series-*``, ``--neutral``) for the tables and badges;
tests/test_palette.py keeps the two equal."""

import datetime as dt
import functools
import json
from decimal import Decimal

import plotly.io as pio
from django.utils.functional import Promise

# What a colour means. Green: fine, done, reported, satisfied; amber: minor, lagging, fair;
# red: serious, overdue, not reported, below the line. Series colours for figures that
# only compare quantities; grey for targets and references.
PALETTE = {
    "good": "#1a7f37",
    "warn": "#9a6700",
    "bad": "#cf222e",
    "series-1": "#0b57d0",
    "series-2": "#8250df",
    "series-3": "#0a7ea4",
    "series-4": "#bc4c00",
    "neutral": "#8c959f",
}
# the colours plotly cycles through when a trace names none (layout.colorway)
COLORWAY = [PALETTE[f"series-{n}"] for n in range(1, 5)] + [PALETTE["neutral"]]
# inspection findings by severity (Finding.Severity keys)
SEVERITY_COLORS = {
    "ok": PALETTE["good"],
    "minor": PALETTE["warn"],
    "serious": PALETTE["bad"],
    "not_checked": PALETTE["neutral"],  # a must-check category skipped, with its reason
}
# a share from 0 (red) over amber to 100 (green), for heatmaps
SHARE_SCALE = [[0.0, PALETTE["bad"]], [0.5, PALETTE["warn"]], [1.0, PALETTE["good"]]]


@functools.cache
def _template():
    """plotly's default template (layout.template) as a plain dict, as ``Figure.to_json``
    embeds it: a figure built as a dict renders exactly as the graph object did."""
    return pio.templates[pio.templates.default].to_plotly_json()


def figure(data, layout):
    """A plotly figure as a plain dict, without plotly's validation of every property on every
    request (the costly part of building a figure for hundreds of units). What it may
    contain is what plotly.js reads; tests/accountability/test_charts.py checks every
    builder's figure against ``plotly.graph_objects.Figure``."""
    return {"data": data, "layout": {**layout, "template": _template()}}


def _plain(value):
    """What json cannot write itself, as plotly's encoder writes it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def figure_json(fig):
    """The figure (a dict from :func:`figure`, or a plotly graph object) as JSON safe to place
    inside a <script> element."""
    if isinstance(fig, dict):
        text = json.dumps(fig, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_plain)
    else:
        text = fig.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
