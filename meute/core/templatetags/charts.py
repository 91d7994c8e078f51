"""``{% chart chart %}``: a ``meute.lib.charts.Chart`` drawn as SVG with its table."""

from django import template

register = template.Library()


@register.inclusion_tag("includes/charts/chart.html")
def chart(chart, table_open=False):
    return {"chart": chart, "table_open": table_open}
