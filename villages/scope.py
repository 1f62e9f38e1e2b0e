"""Who sees what: one :class:`UserScope` per user, the single place that turns a user's role
(villages/roles.py) and cadre record into the places he reaches.

- Admins and county supervisors see the whole county.
- A township secretary sees his township (and everything in its villages).
- A village secretary or resident cadre sees his village, and what he owns himself.

Every ``for_user``/``editable_by`` of the QuerySets, the dashboards' scope, the ratings'
scope and the problem pages ask it; it is computed once per user object (cached on it, like
``roles.role_of``), so a request pays at most the one query for the cadre record.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from villages import roles

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
