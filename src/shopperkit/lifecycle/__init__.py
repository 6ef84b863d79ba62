"""Event-sourced lifecycle of applicants and shoppers: events, states, folding, duties."""

from shopperkit.lifecycle.events import Event
from shopperkit.lifecycle.folding import Duties, LifecycleError, PersonRecord, apply, fold, history
from shopperkit.lifecycle.responsibilities import (
    Ledger,
    Lifecycle,
    Replace,
    automatic_rules,
    duties_of,
    no_replacement,
)
from shopperkit.lifecycle.states import (
    DECISIONS,
    KINDS,
    REVIEWABLE,
    TRANSITIONS,
    State,
    allowed,
    decisions,
)

__all__ = [
    "DECISIONS",
    "KINDS",
    "REVIEWABLE",
    "TRANSITIONS",
    "Duties",
    "Event",
    "Ledger",
    "Lifecycle",
    "LifecycleError",
    "PersonRecord",
    "Replace",
    "State",
    "allowed",
    "apply",
    "automatic_rules",
    "decisions",
    "duties_of",
    "fold",
    "history",
    "no_replacement",
]
