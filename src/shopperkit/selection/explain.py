"""What ``verify`` checks, told for a programme officer, with how to re-check each step by
hand from the published files of a draw directory."""

from __future__ import annotations

from shopperkit.errors import InputError
from shopperkit.selection.audit import (
    COHORT_FILE,
    COMMITMENT_FILE,
    DISTRIBUTION_FILE,
    DRAW_RULE,
    FEASIBILITY_FILE,
    POOL_FILE,
    PROBABILITIES_FILE,
    QUOTAS_FILE,
    RESULT_FILE,
)
from shopperkit.selection.drawing import Draw
from shopperkit.selection.households import HOUSEHOLDS_FILE
from shopperkit.selection.uniform import (
    UNIFORM_FILE,
    UNIFORM_PROBABILITIES_FILE,
    UNIFORM_SUMMARY_FILE,
)


def explanation(drawn: Draw, *, recompute: bool = True) -> str:
    """Plain English: what was checked in the revealed ``drawn`` and how anyone can repeat
    each check with the published files and a SHA-256 tool."""
    if drawn.audit is None:
        raise InputError("draw_not_revealed")
    audit = drawn.audit
    steps = [
        "What was checked, and how anyone can check it again with the published files:",
        "",
        f"1. The files are the ones the draw used. The SHA-256 of {POOL_FILE}, {QUOTAS_FILE}, "
        f"{DISTRIBUTION_FILE} and {PROBABILITIES_FILE} must equal the hashes in the 'audit' "
        f"of {RESULT_FILE} (pool {audit.pool_sha256}, distribution "
        f"{audit.distribution_sha256}); where {COMMITMENT_FILE} was published before the "
        "seed, its hashes must be the same. Any SHA-256 tool re-checks this, for example "
        f"'sha256sum {DISTRIBUTION_FILE}'.",
        f"2. The lottery is fair and complete. Every row of {DISTRIBUTION_FILE} is a cohort "
        f"of {audit.seats} people from {POOL_FILE} that meets every quota of {QUOTAS_FILE}; "
        "the row probabilities add up to 1; each person's probability in "
        f"{PROBABILITIES_FILE} is the sum of the rows listing them (to 10 decimals), and "
        "every candidate of the pool is listed once. Member ids in a row are separated by "
        'spaces; an id holding a space or a quote is written in double quotes ("a b").',
        f"3. The seed picked the panel. Compute the SHA-256 of the three lines "
        f"'{DRAW_RULE}', the distribution's SHA-256 and the seed '{audit.seed}'; read it as "
        "a number u between 0 and 1 (divide by 2 to the power 256); the panel is the first "
        "row whose running total of probabilities exceeds u times their sum. Here that is "
        f"row {audit.panel_index}, the 'panel' of {RESULT_FILE}.",
        "4. The waitlist is in the seed's order. Take everyone with a positive probability "
        f"in {PROBABILITIES_FILE} who is not on the panel and sort them by the SHA-256 of the "
        f"three lines '{DRAW_RULE}', the seed and their id (ties by id): that is the "
        f"'waitlist' of {RESULT_FILE}; nobody can be moved up.",
        "5. Every replacement took the first person on the waitlist who keeps every quota, "
        "skipping people already in the cohort or withdrawn; replaying the 'replacements' "
        f"of {RESULT_FILE} in order gives its 'cohort'.",
        f"6. The quota report of {RESULT_FILE} counts the cohort against each quota, and its "
        f"exclusions are those of {FEASIBILITY_FILE}.",
        f"7. {COHORT_FILE}, the published cohort, lists exactly the 'cohort' of "
        f"{RESULT_FILE}: column 'id', one id a line, sorted.",
    ]
    if audit.uniform_sha256 is not None:
        steps[4] = (
            f"3. The public pick named the panel. {UNIFORM_FILE} (SHA-256 "
            f"{audit.uniform_sha256}, as in {UNIFORM_SUMMARY_FILE} and {RESULT_FILE}) lists "
            "the uniform lottery's panels, numbered from 1, each of the same chance; the pick "
            f"'{audit.seed}' names panel {audit.panel_index + 1} (0 on the dice means the last "
            f"panel), the 'panel' of {RESULT_FILE}. Each panel meets every quota; each "
            f"person's 'uniform' chance in {UNIFORM_PROBABILITIES_FILE} is the number of "
            "panels naming them over their count, and the 'fair' one the sum of the rows of "
            f"{DISTRIBUTION_FILE} listing them (its 'exact' column), exactly. "
            "Grouping cohorts by their seats per profile, each uniform panel is a cohort of "
            "the fair lottery and each appears its chance times the count, rounded down or up; "
            f"nobody's two chances differ by more than the 'bound' of {UNIFORM_SUMMARY_FILE}, "
            "whose minimums and 'loss' (fair minus uniform minimum) are those of the files."
        )
        steps[5] = (
            steps[5]
            .replace("the seed's order", "the pick's order")
            .replace("the seed and their id", "the pick and their id")
        )
    if audit.households_sha256 is not None:
        steps.append(
            f"Households: {HOUSEHOLDS_FILE} gives a number to each candidate who shares a "
            f"household (its SHA-256, {audit.households_sha256}, is in the audit). No row of "
            f"{DISTRIBUTION_FILE}, and not the cohort, lists two ids with one number, and every "
            "replacement skipped anyone on the waitlist sharing a household with a member who "
            "stays ('household_skipped')."
        )
    if recompute:
        steps.append(
            "8. The lottery was computed again from the pool and the quotas with the method "
            f"'{audit.method}' and gave {DISTRIBUTION_FILE}, {PROBABILITIES_FILE} and "
            f"{FEASIBILITY_FILE} again, byte for byte (anyone with shopperkit "
            f"{audit.shopperkit_version} or later can repeat this with 'shopperkit verify')."
        )
    else:
        steps.append(
            "8. The lottery was not computed again (--no-recompute): run 'shopperkit verify' "
            "without it to check that the pool and quotas give this distribution."
        )
    steps += [
        "",
        "Any change to any of these files makes a check fail, and 'shopperkit verify' names "
        "the file and the first difference it found.",
    ]
    return "\n".join(steps)


__all__ = ["explanation"]
