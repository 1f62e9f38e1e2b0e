"""Who sees what: one :class:`UserScope` per user, the single place that turns a user's role
(villages/roles.py) and cadre record into the places he reaches.

- Admins and county supervisors see the whole county.
- A township secretary sees his township (and everything in its villages).
- A village secretary or resident cadre sees his village, and what he owns himself.

Every ``for_user``/``editable_by`` of the QuerySets, the dashboards' scope, the ratings'
scope and the problem pages ask it; it is computed once per user object (cached on it, like
``roles.role_of``), so a request pays at most the one query for the cadre record.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from villages import roles
from villages.models import Township, Village

COUNTY_ROLES = (roles.ADMIN, roles.COUNTY_SUPERVISOR)
VILLAGE_ROLES = (roles.VILLAGE_SECRETARY, roles.RESIDENT_CADRE)


class UserScope:
    """The places one user reaches. ``township``/``village`` (and their ids) are set only for
    the roles that are bound to them: a township secretary's township, a village-level
    cadre's village; ``cadre`` is the user's cadre record (None for county roles)."""

    def __init__(self, user):
        self.role = roles.role_of(user)
        self.sees_county = self.role in COUNTY_ROLES
        # county roles need no cadre record: no query for it
        self.cadre = None if self.sees_county or self.role is None else roles.cadre_of(user)
        cadre = self.cadre
        bound_township = self.role == roles.TOWNSHIP_SECRETARY and cadre is not None and cadre.township_id
        bound_village = self.role in VILLAGE_ROLES and cadre is not None and cadre.village_id
        self.township = cadre.township if bound_township else None
        self.village = cadre.village if bound_village else None
        self.township_id = cadre.township_id if bound_township else None
        self.village_id = cadre.village_id if bound_village else None
        # what a village-level cadre owns himself (his tasks, the ratings he received)
        self.own_cadre_id = cadre.pk if self.role in VILLAGE_ROLES and cadre is not None else None

    @classmethod
    def of(cls, user):
        """The user's scope, computed once per user object."""
        scope = getattr(user, "_chishui_scope", None)
        if scope is None:
            scope = cls(user)
            if getattr(user, "is_authenticated", False):
                user._chishui_scope = scope
        return scope

    @property
    def is_resident(self):
        return self.role == roles.RESIDENT_CADRE

    def filter(self, queryset, *, township=(), village=(), own=(), county=True):
        """The rows of ``queryset`` this user reaches. The paths lead from the model to a
        township id (``township``), a village id (``village``) or a cadre (``own``); a role
        whose paths are not given reaches nothing. ``county=False``: the county roles reach
        nothing either (they read but do not edit)."""
        if self.sees_county:
            return queryset if county else queryset.none()
        conditions = []
        if self.township_id:
            conditions += [Q(**{path: self.township_id}) for path in township]
        if self.village_id:
            conditions += [Q(**{path: self.village_id}) for path in village]
        if self.own_cadre_id:
            conditions += [Q(**{path: self.own_cadre_id}) for path in own]
        if not conditions:
            return queryset.none()
        return queryset.filter(reduce(or_, conditions))

    def reaches_township(self, township_id):
        """Whether a township-level page of ``township_id`` is his (county roles: every one)."""
        return self.sees_county or (self.township_id is not None and self.township_id == township_id)


# ---- where a page that drills county → township → village looks (dashboards, organization)


@dataclass(frozen=True)
class Scope:
    """Where a dashboard looks: the whole county, one township or one village."""

    township: Township | None = None
    village: Village | None = None

    @property
    def level(self):
        if self.village is not None:
            return "village"
        if self.township is not None:
            return "township"
        return "county"

    def q(self, township_path, village_path):
        """Rows inside the scope; the paths lead from the model to township and village ids."""
        if self.village is not None:
            return Q(**{village_path: self.village.pk})
        if self.township is not None:
            return Q(**{township_path: self.township.pk})
        return Q()

    def unit_path(self, township_path, village_path):
        """The field the dashboard rows group by: townships at county level, else villages."""
        return township_path if self.level == "county" else village_path

    def units(self):
        """The rows of the dashboard tables, in code order (at most one query)."""
        fields = ("id", "code", "name", "poverty", "exited_on")
        if self.level == "county":
            return list(Township.objects.order_by("code").values(*fields))
        if self.level == "township":
            return list(Village.objects.filter(township=self.township).order_by("code").values(*fields))
        v = self.village
        return [{"id": v.pk, "code": v.code, "name": v.name, "poverty": v.poverty, "exited_on": v.exited_on}]

    def as_dict(self):
        def place(obj):
            return None if obj is None else {"code": obj.code, "name": obj.name}

        return {"level": self.level, "township": place(self.township), "village": place(self.village)}


def scope_for(user, township_code=None, village_code=None):
    """Where a user's dashboard looks, from what he reaches (villages/scope.py) and where he
    drilled down to.

    County supervisors and admins: the county, drilling anywhere. Township secretaries: their
    township and its villages. Village secretaries and resident cadres: their own village.
    An unknown code, or a place outside the user's reach, is a 404; no role is a 403.
    """
    reach = UserScope.of(user)
    if reach.role not in roles.CADRE_ROLES:  # no role, or a survey worker
        raise PermissionDenied(_("您没有查看晒台的权限。"))
    township = village = None
    longest = max(Township._meta.get_field("code").max_length, Village._meta.get_field("code").max_length)
    if len(township_code or "") > longest or len(village_code or "") > longest:
        raise Http404(_("编码过长，没有这样的乡镇或村。"))  # no lookup, no echo of the text
    if township_code:
        township = Township.objects.filter(code=township_code).first()
        if township is None:
            raise Http404(_("没有编码为 %(code)s 的乡镇。") % {"code": township_code})
    if village_code:
        village = Village.objects.select_related("township").filter(code=village_code).first()
        if village is None:
            raise Http404(_("没有编码为 %(code)s 的村。") % {"code": village_code})
        if township is not None and village.township_id != township.pk:
            raise Http404(
                _("村 %(village)s 不属于乡镇 %(township)s。")
                % {"village": village_code, "township": township_code}
            )
        township = village.township
    if reach.sees_county:
        return Scope(township, village)

    if reach.role == roles.TOWNSHIP_SECRETARY:
        if reach.township is None:
            raise PermissionDenied(_("您的干部档案没有所属乡镇。"))
        if township is None:
            return Scope(reach.township, None)
        if township.pk != reach.township_id:
            raise Http404(_("该乡镇不在您的查看范围内。"))
        return Scope(township, village)

    # village secretaries and resident cadres: their own village only
    if reach.village is None:
        raise PermissionDenied(_("您的干部档案没有所属村。"))
    if village is not None and village.pk != reach.village_id:
        raise Http404(_("该村不在您的查看范围内。"))
    own = village or Village.objects.select_related("township").get(pk=reach.village_id)
    if township is not None and township.pk != own.township_id:
        raise Http404(_("该乡镇不在您的查看范围内。"))
    return Scope(own.township, own)
