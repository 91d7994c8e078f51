"""Server-drawn charts: geometry from the numbers, figures in the reader's language, a table for each."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from meute.lib import charts


def test_vertical_bars_scale_to_the_largest_value():
    chart = charts.bar_chart([("A", 10), ("B", 5), ("C", 0)], title="Deals", value_label="Count")
    heights = [shape.height for shape in chart.shapes]
    assert heights == [160.0, 80.0, 0.0]
    assert [shape.y for shape in chart.shapes] == [30.0, 110.0, 190.0]
    assert chart.rows == [["A", "10"], ["B", "5"], ["C", "0"]]
    assert not chart.empty


def test_nothing_to_draw_is_an_empty_chart_not_a_division_by_zero():
    assert charts.bar_chart([], title="t", value_label="v").empty
    assert charts.bar_chart([("A", 0)], title="t", value_label="v", horizontal=True).empty
    assert charts.line_chart([], {}, title="t", value_label="v").empty
    assert charts.funnel_chart([], title="t", value_label="v").empty


def test_funnel_shows_the_share_of_the_first_stage():
    chart = charts.funnel_chart(
        [("Identified", 200), ("Met", 50), ("Signed", 10)], title="t", value_label="n"
    )
    assert [shape.text for shape in chart.shapes] == ["200 (100 %)", "50 (25 %)", "10 (5 %)"]
    assert chart.shapes[1].width * 4 == chart.shapes[0].width


def test_line_and_radar_points():
    chart = charts.line_chart(
        ["Q1", "Q2"], {"Revenue": [Decimal("0"), Decimal("100")]}, title="t", value_label="q"
    )
    assert chart.series[0]["points"] == "60.0,210.0 620.0,20.0"
    radar = charts.radar_chart(["a", "b", "c", "d"], {"x": [4, 0, 2, 4]}, title="t", maximum=4)
    first, second, third, fourth = radar.series[0]["dots"]
    assert (first["x"], first["y"]) == (290.0, 60.0)  # full value, straight up from the centre (290, 210)
    assert (second["x"], second["y"]) == (290.0, 210.0)  # zero: the centre
    assert third["y"] == 285.0  # half way down


def test_figures_follow_the_language_and_render_as_svg_with_a_table():
    chart = charts.bar_chart([("Lyon", Decimal("1234567.5"))], title="Revenue", value_label="EUR")
    with translation.override("fr"):
        french = charts.bar_chart([("Lyon", Decimal("1234567.5"))], title="Revenue", value_label="EUR")
        html = Template("{% load charts %}{% chart chart %}").render(Context({"chart": french}))
    assert chart.rows == [["Lyon", "1,234,567.50"]]
    assert french.rows[0][1] in ("1\u202f234\u202f567,50", "1\xa0234\xa0567,50", "1 234 567,50")
    assert "<svg" in html and "<table" in html and "Les chiffres" in html and 'style="' not in html


def test_coordinates_stay_numbers_in_french():
    """A French page formats numbers with a decimal comma: SVG coordinates must not follow (``48,0`` is no
    coordinate: the bars vanish, the labels pile up at the left), the figures drawn must."""
    import re

    with translation.override("fr"):
        chart = charts.bar_chart([("A", 3), ("B", 7000)], title="t", value_label="v")
        html = Template("{% load charts %}{% chart chart %}").render(Context({"chart": chart}))
    svg = html[html.index("<svg") : html.index("</svg>")]
    shapes = svg[svg.index(">") + 1 :]  # the svg element itself is 100 % wide
    coordinates = re.findall(r' (?:x|y|width|height|x1|y1|x2|y2)="([^"]*)"', shapes)
    assert "68,6" not in svg and coordinates
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates), coordinates
    assert ">7\u202f000<" in svg or ">7\xa0000<" in svg or ">7 000<" in svg  # the value, in French


def test_percent_toward_a_target():
    assert charts.percent(50, 200) == 25
    assert charts.percent(300, 200) == 100
    assert charts.percent(0, 0) == 100
    assert charts.percent(-5, 10) == 0
