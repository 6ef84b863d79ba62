"""The domain model: frozen, slotted attrs classes, changed only with ``attrs.evolve``."""

from shopperkit.model.interview import InterviewOutcome, InterviewScore
from shopperkit.model.people import Applicant, Application, Residency
from shopperkit.model.pool import Candidate, Pool
from shopperkit.model.programme import (
    Basis,
    DatedValue,
    Declaration,
    JudgedCriterion,
    Override,
    Parameter,
    ParameterValue,
    Programme,
    RuleUse,
)
from shopperkit.model.services import Directory, Entity, Service, ServiceCentre
from shopperkit.model.verdicts import Deferred, Reason, Status, Verdict

__all__ = [
    "Applicant",
    "Application",
    "Basis",
    "Candidate",
    "DatedValue",
    "Declaration",
    "Deferred",
    "Directory",
    "Entity",
    "InterviewOutcome",
    "InterviewScore",
    "JudgedCriterion",
    "Override",
    "Parameter",
    "ParameterValue",
    "Pool",
    "Programme",
    "Reason",
    "Residency",
    "RuleUse",
    "Service",
    "ServiceCentre",
    "Status",
    "Verdict",
]

from shopperkit.model.evaluations import Evaluation, ScoredEvaluation
from shopperkit.model.forms import (
    Form,
    GradeBand,
    Option,
    PointsBand,
    Policy,
    Question,
    Section,
    ShowIf,
)

__all__ += [
    "Evaluation",
    "Form",
    "GradeBand",
    "Option",
    "PointsBand",
    "Policy",
    "Question",
    "ScoredEvaluation",
    "Section",
    "ShowIf",
]
