from django.urls import path

from .dashboards import views as dashboards
from .oversight import views as oversight
from .reminders import views as reminders
from .tasks import problem_views as problems
from .tasks import views as tasks

app_name = "accountability"

# Weekly progress reporting and the problem list
urlpatterns = [
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("evidence/<int:pk>/", tasks.evidence_file, name="evidence_file"),
    path("weeks/lock/", tasks.week_lock, name="week_lock"),
    path("problems/", problems.problem_list, name="problem_list"),
    path("problems/<int:pk>/", problems.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/close/", problems.problem_close, name="problem_close"),
    path("problems/<int:pk>/task/", problems.problem_to_task, name="problem_to_task"),
]

# Weekly, monthly and quarterly dashboards
urlpatterns += [
    path("dashboard/weekly/", dashboards.weekly, name="dashboard_weekly"),
    path("dashboard/monthly/", dashboards.monthly, name="dashboard_monthly"),
    path("dashboard/quarterly/", dashboards.quarterly, name="dashboard_quarterly"),
    path("dashboard/yearly/", dashboards.yearly, name="dashboard_yearly"),
]

# Oversight: ratings (A3), inspections and accountability actions (A7–A10), year-end scores (C2, C4)
urlpatterns += [
    path("evaluations/", oversight.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", oversight.evaluation_new, name="evaluation_new"),
    path("inspections/", oversight.inspection_list, name="inspection_list"),
    path("inspections/new/", oversight.inspection_new, name="inspection_new"),
    path("inspections/<int:pk>/", oversight.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<int:pk>/findings/<int:finding_pk>/rectify/",
        oversight.finding_rectify,
        name="finding_rectify",
    ),
    path("actions/", oversight.action_list, name="action_list"),
    path("actions/new/", oversight.action_new, name="action_new"),
    path("year-end/", oversight.year_end_latest, name="year_end_latest"),
    path("year-end/<int:year>/", oversight.year_end, name="year_end"),
]

# Reminders (催报): the record of what was sent, and a supervisor's reminder from the weekly dashboard
urlpatterns += [
    path("reminders/", reminders.reminder_list, name="reminder_list"),
    path("reminders/send/", reminders.reminder_send, name="reminder_send"),
]
