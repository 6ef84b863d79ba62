"""Draw directories: a :class:`~shopperkit.selection.Draw` written as files anyone can check,
and read back.

A directory holds ``pool.csv`` and ``quotas.csv`` (the inputs as used), ``distribution.csv``,
``probabilities.csv`` and ``feasibility.json`` (and, for a uniform lottery, ``uniform.csv``,
``uniform_probabilities.csv`` and ``uniform.json``; when some candidates share a household,
``households.csv``, opaque household numbers); before the seed is known ``commitment.json``
(to publish), after it ``cohort.csv`` (the published cohort, column ``id``) and
``result.json``.
"""

from __future__ import annotations

from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import atomic_write, dumps, output_set, read_json
from shopperkit.io.pool import pool_from_text
from shopperkit.io.quotas import read_quotas
from shopperkit.io.schemas import check as check_schema
from shopperkit.selection.audit import (
    COHORT_FILE,
    COMMITMENT_FILE,
    DISTRIBUTION_FILE,
    FEASIBILITY_FILE,
    POOL_FILE,
    PROBABILITIES_FILE,
    QUOTAS_FILE,
    RESULT_FILE,
    Commitment,
    SelectionResult,
    exact_column,
    parse_distribution,
    parse_probabilities,
)
from shopperkit.selection.drawing import Draw, Published
from shopperkit.selection.feasibility import Feasibility
from shopperkit.selection.households import HOUSEHOLDS_FILE, parse_households
from shopperkit.selection.uniform import (
    UNIFORM_FILE,
    UNIFORM_PROBABILITIES_FILE,
    UNIFORM_SUMMARY_FILE,
)

POOL = POOL_FILE
QUOTAS = QUOTAS_FILE
DISTRIBUTION = DISTRIBUTION_FILE
PROBABILITIES = PROBABILITIES_FILE
COHORT = COHORT_FILE
RESULT = RESULT_FILE
COMMITMENT = COMMITMENT_FILE
FEASIBILITY = FEASIBILITY_FILE
UNIFORM = UNIFORM_FILE
UNIFORM_PROBABILITIES = UNIFORM_PROBABILITIES_FILE
UNIFORM_SUMMARY = UNIFORM_SUMMARY_FILE
HOUSEHOLDS = HOUSEHOLDS_FILE


def write_feasibility(out: Path, feasibility: Feasibility) -> None:
    """Write ``feasibility.json``: feasible or not, the conflict, the smallest relaxation and
    the profiles that can never be drawn."""
    atomic_write(out / FEASIBILITY, dumps(to_data(feasibility)))


def draw_texts(drawn: Draw, out: Path = Path()) -> dict[str, str]:
    """Every file of ``drawn`` by name, as published: the lottery, then ``commitment.json``
    (not revealed yet) or ``cohort.csv`` and ``result.json``. ``out`` names the folder in
    messages."""
    texts = drawn.published
    files = {
        POOL: texts.pool,
        QUOTAS: texts.quotas,
        DISTRIBUTION: texts.distribution,
        PROBABILITIES: texts.probabilities,
        FEASIBILITY: dumps(to_data(drawn.feasibility)),
    }
    if texts.uniform:
        files[UNIFORM] = texts.uniform
        files[UNIFORM_PROBABILITIES] = texts.uniform_probabilities
        files[UNIFORM_SUMMARY] = texts.uniform_summary
    if texts.households:
        files[HOUSEHOLDS] = texts.households
    if drawn.result is None:
        data = to_data(drawn.commitment)
        check_schema("commitment", data, where=str(out / COMMITMENT))
        files[COMMITMENT] = dumps(data)
    else:
        files.update(result_texts(drawn, out))
    return files


def result_texts(drawn: Draw, out: Path = Path()) -> dict[str, str]:
    """``cohort.csv`` and ``result.json`` (checked against its schema first): the files a
    replacement changes."""
    if drawn.result is None:
        raise InputError("draw_not_revealed", where=str(out))
    data = to_data(drawn.result)
    check_schema("selection-result", data, where=str(out / RESULT))
    return {COHORT: drawn.published.cohort, RESULT: dumps(data)}


def write_texts(out: Path, texts: dict[str, str]) -> None:
    """Write files named by ``texts`` into ``out``, all replaced together."""
    with output_set():
        for name, text in texts.items():
            atomic_write(out / name, text)


def write_draw(out: Path, drawn: Draw) -> None:
    """Write every file of ``drawn`` to ``out`` (:func:`draw_texts`), replaced together."""
    write_texts(out, draw_texts(drawn, out))


def write_result(out: Path, drawn: Draw) -> None:
    """Write ``cohort.csv`` and ``result.json`` (:func:`result_texts`)."""
    write_texts(out, result_texts(drawn, out))


def read_commitment(path: Path) -> Commitment:
    """A ``commitment.json``, checked against its schema."""
    return from_data(Commitment, read_json(path, "commitment"), where=str(path))


def read_result(out: Path) -> SelectionResult:
    """``result.json`` of a draw directory, checked against its schema."""
    path = out / RESULT
    if not path.exists():
        raise InputError("draw_missing", where=str(out))
    return from_data(SelectionResult, read_json(path, "selection-result"), where=str(path))


def exact_text(path: Path) -> str:
    """The file's UTF-8 text exactly as its bytes are (no newline translation, no byte order
    mark removed), so a verifier checks the bytes that were published."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file_not_found", where=str(path)) from None
    except OSError as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None


def read_draw(out: Path) -> Draw:
    """The revealed draw kept in ``out``, every file read once and kept as published (so
    :func:`~shopperkit.selection.verify` checks the files byte for byte).

    Probabilities are the exact fractions written; the pool is refused by row when it cannot be
    drawn from (:class:`~shopperkit.selection.PoolInvalid`).
    """
    result = read_result(out)
    audit = result.audit
    pool_file = pool_from_text(exact_text(out / POOL), out / POOL)
    quotas_text = exact_text(out / QUOTAS)
    quotas = read_quotas(out / QUOTAS, audit.seats)
    distribution = exact_text(out / DISTRIBUTION)
    probabilities = exact_text(out / PROBABILITIES)
    cohort = exact_text(out / COHORT) if (out / COHORT).exists() else ""
    uniform = {
        name: exact_text(out / name) if (out / name).exists() else ""
        for name in (UNIFORM, UNIFORM_PROBABILITIES, UNIFORM_SUMMARY)
    }
    households = exact_text(out / HOUSEHOLDS) if (out / HOUSEHOLDS).exists() else ""
    feasibility = (
        from_data(
            Feasibility, read_json(out / FEASIBILITY, "feasibility"), where=str(out / FEASIBILITY)
        )
        if (out / FEASIBILITY).exists()
        else Feasibility(True, audit.seats, excluded=result.excluded)
    )
    commitment = (
        read_commitment(out / COMMITMENT)
        if (out / COMMITMENT).exists()
        else Commitment(
            format=result.format,
            method=audit.method,
            seats=audit.seats,
            shopperkit_version=audit.shopperkit_version,
            pool_sha256=audit.pool_sha256,
            quotas_sha256=audit.quotas_sha256,
            distribution_sha256=audit.distribution_sha256,
            probabilities_sha256=audit.probabilities_sha256,
            households_sha256=audit.households_sha256,
        )
    )
    return Draw(
        pool=pool_file.pool,
        quotas=quotas,
        method=audit.method,
        feasibility=feasibility,
        lottery=tuple(
            zip(
                exact_column(distribution, DISTRIBUTION),
                (members for _, members in parse_distribution(distribution)),
                strict=True,
            )
        ),
        probabilities=dict(
            zip(
                (person for person, _ in parse_probabilities(probabilities)),
                exact_column(probabilities, PROBABILITIES),
                strict=True,
            )
        ),
        published=Published(
            pool_file.text,
            quotas_text,
            distribution,
            probabilities,
            cohort,
            uniform[UNIFORM],
            uniform[UNIFORM_PROBABILITIES],
            uniform[UNIFORM_SUMMARY],
            households,
        ),
        commitment=commitment,
        result=result,
        households=parse_households(households),
    )


__all__ = [
    "COHORT",
    "COMMITMENT",
    "DISTRIBUTION",
    "FEASIBILITY",
    "HOUSEHOLDS",
    "POOL",
    "PROBABILITIES",
    "QUOTAS",
    "RESULT",
    "UNIFORM",
    "UNIFORM_PROBABILITIES",
    "UNIFORM_SUMMARY",
    "draw_texts",
    "exact_text",
    "read_commitment",
    "read_draw",
    "read_result",
    "result_texts",
    "write_draw",
    "write_feasibility",
    "write_result",
]
