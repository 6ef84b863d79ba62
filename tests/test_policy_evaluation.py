"""Policy cases of kind ``evaluation``: scores, bands, critical failures and rejections."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopperkit.errors import InputError
from shopperkit.plugins import Plugins
from shopperkit.testing.policy import PolicyRunner, load_policy_file

FORM = Path(__file__).resolve().parent.parent / "examples/forms/example-visit.yaml"

RECORD = """
        id: e-1
        form: example-visit
        shopper: s-1
        entity: ent-1
        centre: c-1
        service: svc-1
        channel: app
        visited_at: "2026-03-01T09:30:00+04:00"
        language: en
"""

CASES = f"""
form: {FORM}
cases:
  - name: a good visit
    input:
      evaluation:{RECORD}
        answers: {{greeted: "yes", wait_minutes: 12, staff_courtesy: 4,
                  requirements_clear: partly, payment_channels: [card, cash],
                  extra_help: "yes"}}
    expected:
      overall: 76.3
      sections: {{reception: 76, service: 76.5}}
      failed_critical: []
      band: B
  - name: rude staff zero the service section
    input:
      evaluation:{RECORD}
        answers: {{greeted: "yes", wait_minutes: 12, staff_courtesy: 1,
                  requirements_clear: clear}}
    expected:
      overall: 30.4
      sections: {{service: 0}}
      failed_critical: [staff_courtesy]
      band: C
  - name: a record with two problems is rejected
    input:
      evaluation:{RECORD}
        answers: {{greeted: "na", wait_minutes: -1, staff_courtesy: 4, requirements_clear: clear}}
    expected:
      rejected: [answer_na_not_allowed, answer_out_of_range]
  - name: a wrong expectation
    input:
      evaluation:{RECORD}
        answers: {{greeted: "no", wait_minutes: 50, staff_courtesy: 3, requirements_clear: clear}}
    expected:
      overall: 50
      band: A
"""


def test_evaluation_cases(tmp_path: Path) -> None:
    path = tmp_path / "example.policy.yaml"
    path.write_text(CASES, encoding="utf-8")
    runner = PolicyRunner(Plugins())
    results = {case.name: runner.run(case) for case in load_policy_file(path)}
    # greeted no: 0; wait 50: 0 -> reception 0; service (50*50 + 30*100) / 80 = 68.75
    overall = 60 * 68.75 / 100
    assert results == {
        "a good visit": [],
        "rude staff zero the service section": [],
        "a record with two problems is rejected": [],
        "a wrong expectation": [
            f"overall: expected 50, got {overall!r}",
            "band: expected 'A', got 'C'",
        ],
    }


def test_an_unknown_form_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "x.policy.yaml"
    path.write_text(CASES.replace(str(FORM), "no-such-form"), encoding="utf-8")
    case = load_policy_file(path)[0]
    with pytest.raises(InputError) as caught:
        PolicyRunner(Plugins()).run(case)
    assert caught.value.code == "form_unknown"
