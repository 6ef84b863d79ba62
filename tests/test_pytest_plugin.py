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
