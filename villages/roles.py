"""Roles are Django groups (created by migration villages/0002_roles). A user's cadre record
ties him to a township or village."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connections, models, router
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

TOWNSHIP_SECRETARY = "township_secretary"
VILLAGE_SECRETARY = "village_secretary"
RESIDENT_CADRE = "resident_cadre"
COUNTY_SUPERVISOR = "county_supervisor"
ADMIN = "admin"
SURVEY_WORKER = "survey_worker"

ROLES = {
    TOWNSHIP_SECRETARY: _("乡镇党委书记"),
    VILLAGE_SECRETARY: _("村党组织书记"),
    RESIDENT_CADRE: _("驻村干部"),
    COUNTY_SUPERVISOR: _("市督查人员"),
    ADMIN: _("管理员"),
    SURVEY_WORKER: _("测评员"),
}

# Checked in this order: a user in several groups gets the widest role.
PRECEDENCE = [ADMIN, COUNTY_SUPERVISOR, TOWNSHIP_SECRETARY, VILLAGE_SECRETARY, RESIDENT_CADRE, SURVEY_WORKER]

# The roles of the accountability work (三定). A survey worker (测评员, C2) only enters
# satisfaction answers: ``role_required()`` without arguments admits these roles, not him.
CADRE_ROLES = (ADMIN, COUNTY_SUPERVISOR, TOWNSHIP_SECRETARY, VILLAGE_SECRETARY, RESIDENT_CADRE)


def role_of(user):
    """The user's role key, or None. Cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_chishui_role"):
        names = _load_groups_and_permissions(user)
        role = next((r for r in PRECEDENCE if r in names), None)
        if role is None and user.is_superuser:
            role = ADMIN
        user._chishui_role = role
    return user._chishui_role


def _groups_and_permissions(user_id, full):
    """The query of ``_load_groups_and_permissions``: (kind, first, second) rows — the user's
    group names and, when ``full``, his groups' and his own permissions."""
    from django.contrib.auth.models import Group, Permission

    marker = models.CharField()
    rows = Group.objects.filter(user=user_id).values_list(Value("group", output_field=marker), "name", "name")
    if full:
        fields = ("content_type__app_label", "codename")
        rows = rows.order_by().union(
            Permission.objects.filter(group__user=user_id)
            .order_by()
            .values_list(Value("group_perm", output_field=marker), *fields),
            Permission.objects.filter(user=user_id)
            .order_by()
            .values_list(Value("user_perm", output_field=marker), *fields),
            all=True,
        )
    return rows


# The query's SQL, compiled once per database and shape (Django compiling the union took
# ~1.5 ms, on every request): built for a user id nobody has, whose places in the
# parameters are then filled with the user's id.
_NOBODY = -730_141_016
_compiled = {}


def _rows_of(user, full):
    from django.contrib.auth.models import Group

    alias = router.db_for_read(Group)  # the router's choice for this request, as the ORM's
    connection = connections[alias]
    key = (alias, connection.vendor, full)
    if key not in _compiled:
        rows = _groups_and_permissions(_NOBODY, full)
        sql, params = rows.query.get_compiler(using=alias).as_sql()
        _compiled[key] = (sql, tuple(params))
    sql, params = _compiled[key]
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if param == _NOBODY else param for param in params])
        return cursor.fetchall()


def _load_groups_and_permissions(user):
    """The user's group names, in one query that also brings his permissions (his own and
    his groups'), cached on the user where Django's ModelBackend keeps them: a page asks
    for the role and for permissions (``user.has_perm``, templates' ``perms``) at the cost
    of one query. Superusers' permissions are not loaded (``has_perm`` is always true)."""
    full = not user.is_superuser and user.is_active
    found = {"group": set(), "group_perm": set(), "user_perm": set()}
    for kind, first, second in _rows_of(user, full):
        found[kind].add(first if kind == "group" else f"{first}.{second}")
    if full:
        user._group_perm_cache = found["group_perm"]
        user._user_perm_cache = found["user_perm"]
    return found["group"]


def sees_whole_county(user):
    return role_of(user) in (ADMIN, COUNTY_SUPERVISOR)


def cadre_of(user):
    """The user's cadre record (with township and village), or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_chishui_cadre"):
        from villages.models import Cadre

        user._chishui_cadre = Cadre.objects.select_related("township", "village").filter(user=user).first()
    return user._chishui_cadre


def role_required(*allowed):
    """View decorator: anonymous users go to the login page; users without a role, or
    without one of the ``allowed`` roles, get 403. Without ``allowed``: any of the
    ``CADRE_ROLES`` (every role but the survey worker's)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role = role_of(request.user)
            if role is None:
                raise PermissionDenied(_("您的账号没有分配角色，请联系管理员。"))
            if role not in (allowed or CADRE_ROLES):
                raise PermissionDenied(_("您的角色不能查看此页面。"))
            return view(request, *args, **kwargs)

        # the rule, for whoever links to the view (chishui/menu.py shows a link only to
        # those it admits); functools.wraps carries it through the decorators around this one
        wrapper.allowed_roles = tuple(allowed or CADRE_ROLES)
        return wrapper

    return decorator


def may_open(user, view):
    """Whether ``role_required`` on ``view`` admits ``user``; a view that checks roles its own
    way (the dashboards' scopes) is taken for what ``role_required()`` admits: the
    ``CADRE_ROLES``."""
    return role_of(user) in getattr(view, "allowed_roles", CADRE_ROLES)
