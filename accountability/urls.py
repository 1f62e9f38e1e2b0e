from django.urls import path

from .dashboards import views as dashboards
from .oversight import views as oversight
from .records import pickers
from .records import views as records
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
    path(
        "year-end/<int:year>/versions/<int:number>/publish/",
        oversight.year_end_publish,
        name="year_end_publish",
    ),
    path(
        "year-end/<int:year>/half-year-reviews/new/",
        oversight.half_year_review_new,
        name="half_year_review_new",
    ),
    path("year-end/<int:year>/annual-reports/new/", oversight.annual_report_new, name="annual_report_new"),
]

# What supervisors record: contracts (A2), TV exposures (A7), commendations (C4); the pickers
urlpatterns += [
    path("contracts/", records.contract_list, name="contract_list"),
    path("contracts/new/", records.contract_new, name="contract_new"),
    path("contracts/<int:pk>/", records.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", records.contract_edit, name="contract_edit"),
    path("exposures/", records.exposure_list, name="exposure_list"),
    path("exposures/new/", records.exposure_new, name="exposure_new"),
    path("exposures/<int:pk>/edit/", records.exposure_edit, name="exposure_edit"),
    path("commendations/", records.commendation_list, name="commendation_list"),
    path("commendations/new/", records.commendation_new, name="commendation_new"),
    path("commendations/<int:pk>/edit/", records.commendation_edit, name="commendation_edit"),
    path("pickers/cadres/", pickers.cadres, name="picker_cadres"),
    path("pickers/tasks/", pickers.tasks, name="picker_tasks"),
]

# Reminders (催报): the record of what was sent, and a supervisor's reminder from the weekly dashboard
urlpatterns += [
    path("reminders/", reminders.reminder_list, name="reminder_list"),
    path("reminders/send/", reminders.reminder_send, name="reminder_send"),
]
