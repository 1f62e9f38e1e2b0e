"""Where a page looks and what a user may see: the whole county, one township or one village.

One scoping rule for every page that drills county → township → village (the three
dashboards, the organization overview): county supervisors and admins see the county,
township secretaries their township, village secretaries and resident cadres their village.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from villages import roles
from villages.models import Township, Village


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
    """The one place that decides what a user's dashboards show.

    County supervisors and admins: the county, drilling anywhere. Township secretaries: their
    township and its villages. Village secretaries and resident cadres: their own village.
    An unknown code, or a place outside the user's reach, is a 404; no role is a 403.
    """
    role = roles.role_of(user)
    if role is None:
        raise PermissionDenied(_("您没有查看晒台的权限。"))
    township = village = None
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
    if role in (roles.ADMIN, roles.COUNTY_SUPERVISOR):
        return Scope(township, village)

    cadre = roles.cadre_of(user)
    if role == roles.TOWNSHIP_SECRETARY:
        if cadre is None or cadre.township_id is None:
            raise PermissionDenied(_("您的干部档案没有所属乡镇。"))
        if township is None:
            return Scope(cadre.township, None)
        if township.pk != cadre.township_id:
            raise Http404(_("该乡镇不在您的查看范围内。"))
        return Scope(township, village)

    # village secretaries and resident cadres: their own village only
    if cadre is None or cadre.village_id is None:
        raise PermissionDenied(_("您的干部档案没有所属村。"))
    if village is not None and village.pk != cadre.village_id:
        raise Http404(_("该村不在您的查看范围内。"))
    own = village or Village.objects.select_related("township").get(pk=cadre.village_id)
    if township is not None and township.pk != own.township_id:
        raise Http404(_("该乡镇不在您的查看范围内。"))
    return Scope(own.township, own)
