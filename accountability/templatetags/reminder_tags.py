"""``{% load reminder_tags %}{% reminder_panel %}``: the 提醒 panel of a start page (what the
user owes this week, accountability/reminders/selectors.py ``panel``)."""

from django import template

from accountability.reminders import selectors

register = template.Library()


@register.inclusion_tag("accountability/reminders/panel.html", takes_context=True)
def reminder_panel(context, compact=False):
    """``compact`` (the task list, where the tasks themselves follow right below, this week's
    first): the counts and the findings without repeating the tasks, so that on a phone the
    first task is still on the first screen; the tasks it would name are not even read."""
    request = context["request"]
    panel = selectors.panel(request.user, list_tasks=not compact)
    return {"panel": panel, "request": request, "compact": compact}
