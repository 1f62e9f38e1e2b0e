"""``{% load menu_tags %}{% site_menu as groups %}``: the groups of the site menu the user
may open (chishui/menu.py), with the current page marked."""

from django import template

from chishui import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def site_menu(context):
    request = context.get("request")
    if request is None:
        return []
    return menu.for_user(request.user, request.path)
