"""The site menu (templates/nav.html): the pages in a few labelled groups, by the three
layers of 三定 and the supervisor's work, each group a disclosure (``<details>``) that works
without JavaScript and from the keyboard.

An entry shows when the user may open its page: the role rule of the view itself
(``roles.role_required`` records it on the view; ``roles.may_open``) and, where the page
needs one, a permission. Templates ask for no role by name; a role sees what its group's
permissions and the views admit (villages/migrations/0003 and the views' decorators)."""

from dataclasses import dataclass, field
from functools import cache

from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _

from villages import roles


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    perm: str = ""  # a permission the page needs beyond the view's role rule
    section: str = ""  # the URL prefix of the entry's own pages (its forms and details)
    staff: bool = False  # the admin site: staff only
    # another label for users with this permission: (permission, label)
    label_for: tuple = ()


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    entries: tuple = field(default_factory=tuple)


GROUPS = (
    Group(
        "duty",
        _("干部定责"),
        (
            Entry(
                _("我的任务"),
                "accountability:task_list",
                label_for=("accountability.view_task", _("任务进度")),
            ),
            Entry(_("问题清单"), "accountability:problem_list"),
            Entry(_("责任书"), "accountability:contract_list", section="/contracts/"),
            Entry(_("业绩评定"), "accountability:evaluation_list"),
        ),
    ),
    Group(
        "organization",
        _("组织定位"),
        (Entry(_("组织定位"), "villages:organization", section="/organization/"),),
    ),
    Group(
        "satisfaction",
        _("群众定效"),
        (
            Entry(_("群众满意度"), "villages:satisfaction"),
            Entry(_("满意度测评"), "villages:survey"),
            Entry(
                _("表彰提拔"),
                "accountability:commendation_list",
                perm="accountability.view_commendation",
                section="/commendations/",
            ),
        ),
    ),
    Group(
        "oversight",
        _("督查问责"),
        (
            Entry(_("督查记录"), "accountability:inspection_list", perm="accountability.view_inspection"),
            Entry(_("问责记录"), "accountability:action_list", perm="accountability.view_inspection"),
            Entry(
                _("电视问政"),
                "accountability:exposure_list",
                perm="accountability.view_exposure",
                section="/exposures/",
            ),
            Entry(_("锁定周报"), "accountability:week_lock", perm="accountability.view_weeklock"),
            Entry(_("提醒记录"), "accountability:reminder_list", perm="accountability.view_reminder"),
            Entry(
                _("年终考评"),
                "accountability:year_end_latest",
                perm="accountability.view_inspection",
                section="/year-end/",
            ),
        ),
    ),
    Group(
        "data",
        _("看板与数据"),
        (
            Entry(_("周看板"), "accountability:dashboard_weekly"),
            Entry(_("月看板"), "accountability:dashboard_monthly"),
            Entry(_("季度看板"), "accountability:dashboard_quarterly"),
            Entry(_("登记导入"), "villages:registry_import", perm="villages.add_importlog"),
            Entry(_("管理后台"), "admin:index", staff=True),
        ),
    ),
)


@cache
def _target(url_name):
    """The URL of ``url_name`` and its view (resolved once per process)."""
    url = reverse(url_name)
    return url, resolve(url).func


def _shown(entry, user):
    url, view = _target(entry.url_name)
    if entry.staff:
        return user.is_staff and roles.role_of(user) is not None
    return roles.may_open(user, view) and (not entry.perm or user.has_perm(entry.perm))


def for_user(user, path):
    """The groups of entries ``user`` may open, as dicts for the template: ``label``,
    ``key``, ``current`` (the page at ``path`` is one of the group's) and ``entries``
    (``label``, ``url``, ``current``). Groups left empty are left out."""
    if roles.role_of(user) is None:
        return []
    groups = []
    for group in GROUPS:
        entries = []
        for entry in group.entries:
            if not _shown(entry, user):
                continue
            url, _view = _target(entry.url_name)
            label = entry.label
            if entry.label_for and user.has_perm(entry.label_for[0]):
                label = entry.label_for[1]
            current = path == url or bool(entry.section and path.startswith(entry.section))
            entries.append({"label": label, "url": url, "current": current})
        if entries:
            groups.append(
                {
                    "key": group.key,
                    "label": group.label,
                    "entries": entries,
                    "current": any(e["current"] for e in entries),
                }
            )
    return groups
