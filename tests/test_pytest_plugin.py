"""The pytest plugin: policy files collected as tests, readable failures, fixtures."""

from __future__ import annotations

import pytest

CASE = """
programme: qatar-cgb
cases:
  - name: too young
    input:
      applicant:
        id: Y-1
        birth_date: 2010-01-01
        nationality: Qatari
        residency: {status: citizen}
        applied_on: 2022-06-07
        declarations: [attend_training, report_changes, use_bureau_forms,
                       impartiality_confidentiality, propose_improvements]
    expected: {status: %s, reasons: %s}
"""


def test_a_passing_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", young=CASE % ("ineligible", "[age_below_minimum]"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_failing_case_reads_expected_and_got(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", young=CASE % ("eligible", "[]"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "young.policy.yaml: case 'too young': status: expected 'eligible', got 'ineligible'",
            "young.policy.yaml: case 'too young': reasons: expected [], got ['age_below_minimum']",
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


def test_a_malformed_policy_file_names_the_path(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", broken="cases:\n  - name: no input\n    expected: {}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*broken.policy.yaml: $.cases?0?: 'input' is a required property*"]
    )


def test_programme_fixture_by_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.shopperkit_programme("qatar-cgb")
        def test_seats(shopperkit_programme):
            assert shopperkit_programme.integer("seats") == 50

        def test_plugins(shopperkit_plugins):
            assert "minimum_age" in shopperkit_plugins.rules()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


SELECTION = """
cases:
  - name: one seat for the c's, the other for a or a b
    # leximin: each c 1/4 (one seat, four people); a, b0, b1 share the other seat: 1/3 each
    input:
      selection:
        pool: [{id: a0, g: a}, {id: b0, g: b}, {id: b1, g: b},
               {id: c0, g: c}, {id: c1, g: c}, {id: c2, g: c}, {id: c3, g: c}]
        %s
        quotas:
          - {feature: g, value: a, min: 0, max: 1}
          - {feature: g, value: b, min: 0, max: 1}
          - {feature: g, value: c, min: 1, max: 1}
    expected: {feasible: true, quotas_met: true, panel_size: 2, min_probability: %s,
               equal_probability_within_profile: true}
"""


def test_a_passing_selection_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", draw=SELECTION % ("seats: 2", "0.25"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_a_failing_selection_case_reads_expected_and_got(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", draw=SELECTION % ("seats: 2", "0.3"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "draw.policy.yaml: case 'one seat for the c's, the other for a or a b': "
            "min_probability: expected 0.3, got 0.25"
        ]
    )
    result.stdout.no_fnmatch_line("*Traceback*")


INFEASIBLE = """
cases:
  - name: three seats, room for two
    # c takes exactly 1 seat, a none and b at most 1: 2 seats of 3. Each of the three maximums
    # is needed for the conflict (without a's: a0 sits; without b's: b0 and b1; without c's:
    # two c's). a's and b's maximums may not move (max_flex), so the fix is c's: 1 -> 2.
    input:
      selection:
        pool: [{id: a0, g: a}, {id: b0, g: b}, {id: b1, g: b},
               {id: c0, g: c}, {id: c1, g: c}, {id: c2, g: c}, {id: c3, g: c}]
        seats: 3
        quotas:
          - {feature: g, value: a, min: 0, max: 0, max_flex: 0}
          - {feature: g, value: b, min: 0, max: 1, max_flex: 1}
          - {feature: g, value: c, min: 1, max: 1}
    expected:
      feasible: false
      conflict: [g=a max, g=b max, g=c max]
      relaxation: [g=c max 1 -> %s]
"""


def test_an_infeasible_selection_case_names_conflict_and_relaxation(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".policy.yaml", right=INFEASIBLE % 2, wrong=INFEASIBLE % 3)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "wrong.policy.yaml: case 'three seats, room for two': relaxation: "
            "expected ['g=c max 1 -> 3'], got ['g=c max 1 -> 2']"
        ]
    )


def test_a_malformed_selection_case_names_the_path(pytester: pytest.Pytester) -> None:
    pytester.makefile(".policy.yaml", broken=SELECTION % ("", "0.25"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*broken.policy.yaml: $.cases?0?.input.selection: 'seats' is a required property*"]
    )
