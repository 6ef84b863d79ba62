"""The hot path: a form compiled once into one Python function that checks and scores a record.

The function is generated from the form (one straight block per question, its constants
inlined) and returns the score record, or None as soon as anything is unusual: a bad
record, nothing to score. None sends the record to the exact path
(:class:`shopperkit.forms.compiled.CompiledForm` and :class:`shopperkit.scoring.Scorer`),
which explains or scores it. Tests check that both paths agree on every generated record.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from shopperkit.forms.compiled import (
    FIELDS,
    REQUIRED,
    REQUIRED_TEXT,
    Bad,
    CompiledForm,
    envelope_ok,
)
from shopperkit.model.forms import CORE_TYPES, OPTION_TYPES, Question
from shopperkit.scoring.engine import Grader

FastScorer = Callable[[Any], "dict[str, Any] | None"]


def _check(
    question: Question, i: int, consts: dict[str, Any], bounds: str, compiled: CompiledForm
) -> list[str]:
    """Lines that set ``p`` to the answer ``v``'s points or return None."""
    if question.type not in CORE_TYPES:
        consts[f"C{i}"] = compiled.steps[i].check  # a plugin's scorer, wrapped
        return [f"p = C{i}(v)", "if type(p) is Bad: return None"]
    if question.type == "text":
        return ["if type(v) is not str: return None", "p = 0.0"]
    if question.type in OPTION_TYPES:
        consts[f"T{i}"] = {option.value: float(option.points) for option in question.options}
    if question.type == "multi_choice":
        return [
            "if type(v) is not list: return None",
            "p = 0.0",
            "for x in v:",
            "    if type(x) not in NUMSTR: return None",
            f"    y = T{i}.get(x)",
            "    if y is None: return None",
            "    p += y",
            "if len(set(map(repr, v))) != len(v): return None",
            f"if p > {question.max_points!r}: p = {question.max_points!r}",
        ]
    if question.type in OPTION_TYPES:
        return [
            "if type(v) not in NUMSTR: return None",
            f"p = T{i}.get(v)",
            "if p is None: return None",
        ]
    lines = ["if type(v) is not int and type(v) is not float: return None"]
    lines.append("if not -INF < v < INF: return None")
    low = (
        question.min if question.min is not None else (0.0 if question.type == "duration" else None)
    )
    if low is not None:
        lines.append(f"if v < {float(low)!r}: return None")
    if question.max is not None:
        lines.append(f"if v > {float(question.max)!r}: return None")
    upto_op = "<=" if bounds == "upper_inclusive" else "<"
    first = True
    for band in question.bands:
        tests = []
        if band.start is not None:
            tests.append(f"v >= {float(band.start)!r}")
        if band.upto is not None:
            tests.append(f"v {upto_op} {float(band.upto)!r}")
        test = " and ".join(tests) or "True"
        lines.append(f"{'if' if first else 'elif'} {test}: p = {float(band.points)!r}")
        first = False
    lines.append("else: return None")
    return lines


def _indent(lines: list[str], depth: int) -> list[str]:
    return ["    " * depth + line for line in lines]


def compile_fast(compiled: CompiledForm) -> FastScorer:
    """The generated check-and-score function of a compiled form."""
    form = compiled.form
    policy = form.policy
    ratio = policy.aggregation == "points_ratio"
    na_score = {"exclude": None, "zero": 0.0, "full": 100.0}[policy.na]
    consts: dict[str, Any] = {
        "NUMSTR": (int, float, str),
        "Bad": Bad,
        "INF": math.inf,
        "FIELDS": FIELDS,
        "REQUIRED": REQUIRED,
        "envelope_ok": envelope_ok,
        "grade": Grader(form).grade,
        "FORM": form,
        "KNOWN": frozenset(q.id for section in form.sections for q in section.questions),
    }
    index: dict[str, int] = {}
    multi: set[int] = set()
    body: list[str] = []
    for s in range(len(form.sections)):
        body.append(f"n{s} = x{s} = b{s} = 0.0")
        body.append(f"f{s} = False")
    questions = [(s, q) for s, section in enumerate(form.sections) for q in section.questions]
    for i, (s, question) in enumerate(questions):
        index[question.id] = i
        if question.type == "multi_choice":
            multi.add(i)
        qid = repr(question.id)
        weight = float(question.weight)
        scale = 100.0 / question.max_points if question.max_points > 0 else 0.0
        block: list[str] = [f"v = a.get({qid}, a)"]
        answer: list[str] = []
        if question.show_if is not None:
            c = index[question.show_if.question]
            consts[f"V{i}"] = frozenset(question.show_if.values)
            controller = f"a[{questions[c][1].id!r}]"
            if c in multi:
                match = f"ok{c} and any(x in V{i} for x in {controller})"
            else:
                match = f"ok{c} and {controller} in V{i}"
            answer += [f"if not ({match}):", "    if v is not a: return None"]
            answer += [f"    s{i} = None", f"    ok{i} = False", "elif v is a:"]
        else:
            answer.append("if v is a:")
        if question.required:
            answer.append("    return None")
        answer += [f"    s{i} = None", f"    ok{i} = False", 'elif v == "na" and type(v) is str:']
        if not question.na_allowed:
            answer.append("    return None")
        answer.append(f"    ok{i} = False")
        if question.scored and na_score is not None:
            got = question.max_points * na_score / 100.0
            answer.append(f"    s{i} = {na_score!r}")
            answer += _indent(_accumulate(question, s, weight, ratio, repr(got), f"s{i}"), 1)
        else:
            answer.append(f"    s{i} = None")
        answer.append("else:")
        answer += _indent(_check(question, i, consts, policy.bounds, compiled), 1)
        answer.append(f"    ok{i} = True")
        if question.scored:
            answer.append(f"    s{i} = p * {scale!r}")
            answer += _indent(_accumulate(question, s, weight, ratio, "p", f"s{i}"), 1)
            if question.critical:
                limit = float(question.fail_below) if question.fail_below is not None else 0.0
                op = "<" if question.fail_below is not None else "<="
                answer.append(f"    if s{i} {op} {limit!r}:")
                answer.append(f"        failed.append({qid})")
                answer.append(f"        f{s} = True")
        else:
            answer.append(f"    s{i} = None")
        body += block + answer
    body += _journey(compiled, index, consts)
    for s in range(len(form.sections)):
        body.append(f"if b{s} == 0.0: S{s} = None")
        body.append("else:")
        factor = " * 100.0" if ratio else ""
        body.append(f"    S{s} = (n{s} + x{s}) / b{s}{factor}")
        if policy.bonus_cap:
            body.append(f"    if S{s} > 100.0: S{s} = 100.0")
        if policy.critical == "zero_section":
            body.append(f"    if f{s}: S{s} = 0.0")
    body.append("tw = ts = 0.0")
    for s, section in enumerate(form.sections):
        share = f"b{s}" if ratio else repr(float(section.weight))
        body.append(f"if S{s} is not None:")
        body.append(f"    tw += {share}")
        body.append(f"    ts += {share} * S{s}")
    body.append("if tw <= 0.0: return None")
    body.append("overall = ts / tw")
    if policy.critical == "zero_overall":
        body.append("if failed: overall = 0.0")
    # Earned and possible points (engine.points_of), in the same operations as the exact path.
    for s in range(len(form.sections)):
        body.append(
            f'P{s} = None if S{s} is None else {{"earned": S{s} * b{s} / 100.0, "possible": b{s}}}'
        )
    sections = ", ".join(f"{section.id!r}: S{s}" for s, section in enumerate(form.sections))
    items = ", ".join(f"{q.id!r}: s{i}" for i, (_, q) in enumerate(questions))
    points = ", ".join(f"{section.id!r}: P{s}" for s, section in enumerate(form.sections))
    handoffs = [
        f"if S{s} is not None: handoffs[K[{n}]] = S{s}"
        for n, s in enumerate(s for s, section in enumerate(form.sections) if section.handoff)
    ]
    body.append("handoffs = {}")
    body += handoffs
    body.append("band = grade(overall)")
    get = "record.get"
    body += [
        "return {",
        '    "id": record["id"],',
        f'    "form": {form.id!r},',
        f'    "form_version": {form.version!r},',
        f'    "programme": {get}("programme"),',
        *(f'    "{name}": record["{name}"],' for name in REQUIRED_TEXT[2:]),
        '    "channel": record["channel"],',
        '    "language": record["language"],',
        '    "visited_at": record["visited_at"],',
        f'    "submitted_at": {get}("submitted_at"),',
        f'    "comment": {get}("comment", ""),',
        '    "overall": overall,',
        f'    "sections": {{{sections}}},',
        f'    "items": {{{items}}},',
        '    "handoffs": handoffs,',
        '    "failed_critical": failed,',
        '    "band": None if band is None else band.grade,',
        '    "points": {"overall": {"earned": overall * tw / 100.0, "possible": tw}, '
        f'"sections": {{{points}}}}},',
        "}",
    ]
    head = [
        "def fast(record):",
        "    if type(record) is not dict: return None",
        "    keys = record.keys()",
        "    if not (keys <= FIELDS and keys >= REQUIRED): return None",
        "    if not envelope_ok(record, FORM.id, FORM.version, KNOWN): return None",
        '    a = record["answers"]',
        "    failed = []",
    ]
    source = "\n".join(head + _indent(body, 1)) + "\n"
    namespace = dict(consts)
    exec(compile(source, f"<form {form.id} {form.version}>", "exec"), namespace)
    function: FastScorer = namespace["fast"]
    return function


def _journey(compiled: CompiledForm, index: dict[str, int], consts: dict[str, Any]) -> list[str]:
    """Lines that set ``K``, the hand-off keys (``CompiledForm.handoff_keys``), or return None.

    A journey naming a service twice could name a hand-off twice: the exact path decides.
    """
    if not compiled.handoff_ids:
        return []
    consts["HANDOFF_IDS"] = compiled.handoff_ids
    lines = [
        'J = record.get("journey")',
        "if J is None: K = HANDOFF_IDS",
        "else:",
        "    if len(set(J)) != len(J): return None",
        '    K = [J[n] + ">" + J[n + 1] for n in range(len(J) - 1)]',
    ]
    for n, questions in enumerate(compiled.handoff_questions):
        ordered = sorted(questions, key=index.__getitem__)
        if not ordered:
            continue
        if compiled.na_counts:
            took = " or ".join(f"{qid!r} in a" for qid in ordered)
        else:
            took = " or ".join(f"ok{index[qid]}" for qid in ordered)
        lines.append(f"    if len(K) <= {n} and ({took}): return None")
    return lines


def _accumulate(
    question: Question, s: int, weight: float, ratio: bool, points: str, score: str
) -> list[str]:
    got = points if ratio else score
    if question.bonus:
        return [f"x{s} += {weight!r} * {got}"]
    base = repr(weight * question.max_points) if ratio else repr(weight)
    return [f"n{s} += {weight!r} * {got}", f"b{s} += {base}"]
