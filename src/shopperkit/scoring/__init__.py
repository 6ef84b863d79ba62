"""Scoring evaluations: item, section and overall scores, score cards, bands, tallies."""

from shopperkit.scoring.batch import Scoring
from shopperkit.scoring.engine import Outcome, ScoreCard, Scorer, grade, present
from shopperkit.scoring.tallies import GROUP_KEYS, Aggregates, Tally

__all__ = [
    "GROUP_KEYS",
    "Aggregates",
    "Outcome",
    "ScoreCard",
    "Scorer",
    "Scoring",
    "Tally",
    "grade",
    "present",
]
