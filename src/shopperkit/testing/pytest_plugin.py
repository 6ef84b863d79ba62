"""The shopperkit pytest plugin (entry point ``pytest11``).

It collects policy files (``*.policy.yaml``, ``*.policy.yml``, ``*.policy.json``) as tests, one
test per case, and reports a failing case as ``file: case 'name': expected X, got Y``. Fixtures:

``shopperkit_plugins``
    a :class:`~shopperkit.plugins.Plugins` with the installed plugins (one per session);
``shopperkit_programme``
    a loaded programme, named by ``@pytest.mark.shopperkit_programme("qatar-cgb")`` or by
    indirect parametrisation;
``shopperkit_load_programme``
    a function that loads a programme by name.

shopperkit itself is imported only when a fixture or a policy file is used, so installing
shopperkit costs a pytest run that does not use it nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from shopperkit.model.programme import Programme
    from shopperkit.plugins import Plugins
    from shopperkit.testing.policy import PolicyCase, PolicyRunner

_RUNNER = pytest.StashKey["PolicyRunner"]()


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``shopperkit_programme`` marker."""
    config.addinivalue_line(
        "markers",
        "shopperkit_programme(name): the programme the shopperkit_programme fixture loads",
    )


def _runner(config: pytest.Config) -> PolicyRunner:
    if _RUNNER not in config.stash:
        from shopperkit.plugins import Plugins
        from shopperkit.testing.policy import PolicyRunner

        config.stash[_RUNNER] = PolicyRunner(Plugins())
    return config.stash[_RUNNER]


@pytest.fixture(scope="session")
def shopperkit_plugins(pytestconfig: pytest.Config) -> Plugins:
    """The installed plugins, loaded once per test session."""
    return _runner(pytestconfig).plugins


@pytest.fixture(scope="session")
def shopperkit_load_programme(pytestconfig: pytest.Config) -> Callable[[str], Programme]:
    """A function loading a programme by id or file path (each loaded once per session)."""
    return _runner(pytestconfig).programme


@pytest.fixture
def shopperkit_programme(
    request: pytest.FixtureRequest, shopperkit_load_programme: Callable[[str], Programme]
) -> Programme:
    """The programme named by the ``shopperkit_programme`` marker or indirect parameter."""
    marker = request.node.get_closest_marker("shopperkit_programme")
    name = getattr(request, "param", None) or (marker.args[0] if marker else None)
    if not name:
        raise pytest.UsageError(
            "shopperkit_programme needs @pytest.mark.shopperkit_programme(NAME) "
            "or indirect parametrisation"
        )
    return shopperkit_load_programme(name)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect policy files."""
    if file_path.name.endswith((".policy.yaml", ".policy.yml", ".policy.json")):
        return PolicyFile.from_parent(parent, path=file_path)
    return None


class PolicyFailure(Exception):
    """A case whose programme did not decide as expected."""

    def __init__(self, case: PolicyCase, mismatches: list[str]) -> None:
        super().__init__(case.name)
        self.case = case
        self.mismatches = mismatches


class PolicyFile(pytest.File):
    """A policy file: one item per case."""

    def collect(self) -> Iterator[PolicyItem]:
        """Load the file; a malformed one fails collection with a one-line message."""
        from shopperkit.errors import ShopperkitError
        from shopperkit.testing.policy import load_policy_file

        try:
            cases = load_policy_file(self.path)
        except ShopperkitError as error:
            raise self.CollectError(str(error)) from None
        for case in cases:
            yield PolicyItem.from_parent(self, name=case.name, case=case)


class PolicyItem(pytest.Item):
    """One policy case."""

    def __init__(self, *, case: PolicyCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        """Run the case; raise :class:`PolicyFailure` listing every mismatch."""
        mismatches = _runner(self.config).run(self.case)
        if mismatches:
            raise PolicyFailure(self.case, mismatches)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """``file: case 'name': expected X, got Y``, one line per mismatch; no traceback."""
        from shopperkit.errors import ShopperkitError

        error = excinfo.value
        prefix = f"{self.path.name}: case '{self.case.name}'"
        if isinstance(error, PolicyFailure):
            return "\n".join(f"{prefix}: {line}" for line in error.mismatches)
        if isinstance(error, ShopperkitError):
            return f"{prefix}: {error}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the case is, for pytest's report."""
        return self.path, None, f"policy case '{self.case.name}'"
