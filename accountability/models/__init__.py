"""What was promised, done, checked and judged: mechanism A (干部定责), C2 and C4 of DOMAIN.md."""

from accountability.models.oversight import (  # noqa: F401
    AccountabilityAction,
    AccountabilityActionQuerySet,
    AnnualReport,
    Commendation,
    CommendationQuerySet,
    Evaluation,
    EvaluationQuerySet,
    Exposure,
    ExposureQuerySet,
    Finding,
    FindingQuerySet,
    HalfYearReview,
    Inspection,
    InspectionQuerySet,
    Rank,
    YearEndRun,
    YearEndScore,
)
from accountability.models.reminders import Reminder  # noqa: F401
from accountability.models.summaries import (  # noqa: F401
    ExitSummary,
    ProgressSummary,
    SummaryPeriod,
    SurveySummary,
    WeeklySummary,
)
from accountability.models.tasks import (  # noqa: F401
    Contract,
    ContractQuerySet,
    Evidence,
    Factor,
    Problem,
    ProblemQuerySet,
    ProgressReport,
    Task,
    TaskQuerySet,
    WeekLock,
    evidence_path,
)
