"""Who and where: the county registry and mechanisms B (组织定位) and C (群众定效) of DOMAIN.md."""

from villages.models.imports import ImportLog  # noqa: F401
from villages.models.organization import (  # noqa: F401
    CollectiveProject,
    EconomicOrganization,
    PairingProject,
    PartyOrganization,
    VillageFinance,
    WorkTeam,
)
from villages.models.places import (  # noqa: F401
    Cadre,
    ChainLevel,
    Household,
    Rank,
    Township,
    Unit,
    Village,
    check_places,
    phone_validator,
    place_errors,
)
from villages.models.poverty import PovertyLedger, PovertyReturn, TownshipStatistics  # noqa: F401
from villages.models.satisfaction import (  # noqa: F401
    HouseholdSurveyTally,
    ItemSurveyTally,
    LivelihoodItem,
    LivelihoodOutcome,
    OutreachEvent,
    SurveyAnswer,
    SurveyRound,
    UnitHouseholdTally,
    VillageHouseholdTally,
)
