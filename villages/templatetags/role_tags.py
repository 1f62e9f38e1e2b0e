"""``{% load role_tags %}{% role_of user as role %}``: the user's role key in templates."""

from django import template

from villages import roles

register = template.Library()


@register.simple_tag
def role_of(user):
    """The role key of ``user`` (see villages/roles.py), or ``""`` for no role."""
    return roles.role_of(user) or ""
