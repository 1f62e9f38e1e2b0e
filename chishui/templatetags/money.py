"""``{% load money %}{{ funds|wan }}``: yuan shown in 万元 on a page (chishui.tables.in_wan)."""

from django import template

from chishui.tables import in_wan

register = template.Library()


@register.filter
def wan(value):
    return in_wan(value)
