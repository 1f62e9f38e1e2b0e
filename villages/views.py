"""The start page: "/" sends each role to where its work is."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import roles

# Where "/" sends each role.
ROLE_HOME = {
    roles.ADMIN: "admin:index",
    roles.COUNTY_SUPERVISOR: "accountability:dashboard_weekly",
    roles.TOWNSHIP_SECRETARY: "accountability:task_list",
    roles.VILLAGE_SECRETARY: "accountability:task_list",
    roles.RESIDENT_CADRE: "accountability:task_list",
    roles.SURVEY_WORKER: "villages:survey",
}


@login_required
def home(request):
    target = ROLE_HOME.get(roles.role_of(request.user))
    if target is None:
        return render(request, "no_role.html", status=403)
    return redirect(target)
