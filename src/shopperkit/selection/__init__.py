"""Cohort selection: quotas, feasibility and its explanation, fair lotteries, audit.

Nothing here imports the solver until a draw needs it.
"""
