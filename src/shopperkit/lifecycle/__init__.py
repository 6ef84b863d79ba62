"""Event-sourced lifecycle of applicants and shoppers: events, states, folding, duties."""

from shopperkit.lifecycle.events import Event
from shopperkit.lifecycle.folding import Duties, LifecycleError, PersonRecord, apply, fold, history
from shopperkit.lifecycle.responsibilities import (
    Ledger,
    Lifecycle,
    Replace,
    duties_of,
    no_replacement,
)
from shopperkit.lifecycle.states import KINDS, TRANSITIONS, State, allowed

__all__ = [
    "KINDS",
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
    "duties_of",
    "fold",
    "history",
    "no_replacement",
]
