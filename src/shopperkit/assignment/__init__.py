"""Mission assignment: visits and exploratory missions under coverage targets and constraints."""

from shopperkit.assignment.constraints import Book, Eligibility, Limits
from shopperkit.assignment.inputs import active_shoppers, check_targets
from shopperkit.assignment.model import Booked, Period, Shopper, Target, Unmet, Visit
from shopperkit.assignment.scheduler import METHODS, Schedule, assign

__all__ = [
    "METHODS",
    "Book",
    "Booked",
    "Eligibility",
    "Limits",
    "Period",
    "Schedule",
    "Shopper",
    "Target",
    "Unmet",
    "Visit",
    "active_shoppers",
    "assign",
    "check_targets",
]
