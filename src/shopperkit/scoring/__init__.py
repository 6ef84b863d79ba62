"""Scoring evaluations: item, section and overall scores, score cards, bands, tallies.

From Python::

    from shopperkit.scoring import score

    scored = score(evaluations, forms, by=["entity"])
    scored.evaluations, scored.rejected, scored.aggregates
"""

from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.scoring.batch import Scored, ScoreStream, Scoring, score, scoring_for
from shopperkit.scoring.engine import Outcome, ScoreCard, Scorer, grade, present, render_card
from shopperkit.scoring.tallies import GROUP_KEYS, Aggregates, Tally

__all__ = [
    "GROUP_KEYS",
    "Aggregates",
    "Outcome",
    "ScoreCard",
    "ScoreStream",
    "Scored",
    "ScoredEvaluation",
    "Scorer",
    "Scoring",
    "Tally",
    "grade",
    "present",
    "render_card",
    "score",
    "scoring_for",
]
