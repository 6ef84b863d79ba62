"""The plugin manager factory and a typed facade over its hooks.

There is no global manager: call :func:`make_plugin_manager` and wrap it in :class:`Plugins`.
Plugins are found through entry points of group ``shopperkit``. Environment variables:

``SHOPPERKIT_BLOCK_PLUGINS``
    Comma-separated entry point names not to load (``shopperkit.builtin`` blocks the
    built-ins).
``SHOPPERKIT_DISABLE_PLUGIN_AUTOLOAD``
    When set to a non-empty value, no entry point is loaded; only the built-ins.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any, Protocol, TypeVar

import pluggy

from shopperkit import __version__, builtin, hookimpl, hookspecs
from shopperkit.dimensions import DimensionDefinition
from shopperkit.eligibility.rules import RuleDefinition, RuleExample
from shopperkit.errors import PluginError, plugin_failure
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.insights.findings import FindingRule
from shopperkit.insights.recommendations import RecommendationRule
from shopperkit.insights.theme import ReportTheme
from shopperkit.messages import (
    DuplicateMessageCode,
    Templates,
    catalogue_problems,
    merge_catalogues,
)

ENTRY_POINT_GROUP = "shopperkit"
BLOCK_ENV = "SHOPPERKIT_BLOCK_PLUGINS"
NO_AUTOLOAD_ENV = "SHOPPERKIT_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN_NAME = "shopperkit.builtin"


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


class PluginManager(pluggy.PluginManager):
    """A pluggy manager that also remembers which distribution each plugin came from."""

    def __init__(self) -> None:
        super().__init__(ENTRY_POINT_GROUP)
        self.add_hookspecs(hookspecs)
        self.distributions: dict[str, tuple[str, str]] = {}


def _same(plugin: object) -> object:
    return plugin


def _blocked_names(blocked: Iterable[str] | None) -> set[str]:
    names = set(blocked or ())
    names.update(name.strip() for name in os.environ.get(BLOCK_ENV, "").split(",") if name)
    return {name for name in names if name}


def _check(pm: PluginManager, name: str) -> None:
    """Register-time and pending-hook checks, with errors that name the plugin."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        culprit = pm.get_name(error.plugin) or name
        pm.unregister(error.plugin)
        raise PluginError("plugin_invalid", {"plugin": culprit, "reason": str(error)}) from None


def make_plugin_manager(
    *,
    plugins: Sequence[tuple[str, object]] = (),
    blocked: Iterable[str] | None = None,
    autoload: bool | None = None,
) -> PluginManager:
    """A new plugin manager with the built-ins, the installed plugins and ``plugins``.

    ``plugins`` are extra ``(name, module-or-object)`` pairs, registered last (handy in
    tests). A plugin that fails to import, or implements a hook that does not exist or with
    the wrong arguments, raises :class:`PluginError` naming it.
    """
    pm = PluginManager()
    block = _blocked_names(blocked)
    if autoload is None:
        autoload = not os.environ.get(NO_AUTOLOAD_ENV)
    candidates: list[tuple[str, Callable[[], object], str, str]] = []
    if BUILTIN_NAME not in block:
        candidates.append((BUILTIN_NAME, partial(_same, builtin), "shopperkit", __version__))
    if autoload:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            if ep.name in block:
                continue
            dist = ep.dist
            candidates.append(
                (
                    ep.name,
                    ep.load,
                    dist.name if dist else ep.value,
                    dist.version if dist else "unknown",
                )
            )
    for name, plugin in plugins:
        if name not in block:
            candidates.append((name, partial(_same, plugin), "local", "unknown"))
    for name, load, dist_name, dist_version in candidates:
        try:
            plugin = load()
        except Exception as error:
            raise PluginError(
                "plugin_import_failed",
                {"plugin": name, "target": dist_name, "reason": f"{type(error).__name__}: {error}"},
            ) from None
        try:
            pm.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as error:
            raise PluginError("plugin_invalid", {"plugin": name, "reason": str(error)}) from None
        _check(pm, name)
        pm.distributions[name] = (dist_name, dist_version)
    return pm


class Plugins:
    """A typed facade over a plugin manager: what every installed plugin contributes.

    Answers are collected plugin by plugin so a clash or a failure names the plugin.
    """

    def __init__(self, pm: PluginManager | None = None) -> None:
        self.pm = pm if pm is not None else make_plugin_manager()
        self._cache: dict[str, Any] = {}

    def _collect(self, hook_name: str) -> list[tuple[str, Any]]:
        """Each plugin's answer to ``hook_name`` in registration order (built-ins first)."""
        hook = getattr(self.pm.hook, hook_name)
        answers: list[tuple[str, Any]] = []
        for impl in hook.get_hookimpls():
            try:
                answer = impl.function()
            except Exception as error:
                raise plugin_failure(impl.plugin_name, hook_name, error) from None
            if answer is not None:
                answers.append((impl.plugin_name, answer))
        return answers

    def _keyed(
        self,
        hook_name: str,
        clash_code: str,
        entries: Callable[[str, Any], Iterable[tuple[str, Any]]],
    ) -> dict[str, tuple[str, Any]]:
        """Every ``(key, value)`` that ``entries(plugin, answer)`` finds in the plugins' answers
        to ``hook_name``, with its plugin; a key two plugins give is ``clash_code``."""
        if hook_name not in self._cache:
            found: dict[str, tuple[str, Any]] = {}
            for plugin, answer in self._collect(hook_name):
                for key, value in entries(plugin, answer):
                    if key in found:
                        raise PluginError(
                            clash_code, {"name": key, "first": found[key][0], "second": plugin}
                        )
                    found[key] = (plugin, value)
            self._cache[hook_name] = found
        keyed: dict[str, tuple[str, Any]] = self._cache[hook_name]
        return keyed

    def _named(self, hook_name: str, kind: type[N], clash_code: str) -> dict[str, tuple[str, N]]:
        """Each item the plugins return for ``hook_name`` by its name, with its plugin."""

        def entries(plugin: str, items: Iterable[Any]) -> Iterator[tuple[str, N]]:
            for item in items:
                if not isinstance(item, kind):
                    reason = f"{hook_name} returned {item!r}, not a {kind.__name__}"
                    raise PluginError("plugin_invalid", {"plugin": plugin, "reason": reason})
                yield item.name, item

        return self._keyed(hook_name, clash_code, entries)

    def rules(self) -> dict[str, RuleDefinition]:
        """Every eligibility rule by name."""
        named = self._named("shopperkit_eligibility_rules", RuleDefinition, "rule_duplicate")
        return {name: rule for name, (_, rule) in named.items()}

    def rule_plugins(self) -> dict[str, str]:
        """Which plugin provides each rule."""
        named = self._named("shopperkit_eligibility_rules", RuleDefinition, "rule_duplicate")
        return {name: plugin for name, (plugin, _) in named.items()}

    def rule_examples(self) -> dict[str, RuleExample]:
        """How to build applicants passing or failing each plugin rule, by rule name."""
        named = self._named("shopperkit_rule_examples", RuleExample, "rule_example_duplicate")
        return {name: example for name, (_, example) in named.items()}

    def dimensions(self) -> dict[str, DimensionDefinition]:
        """Every diversity dimension by name."""
        named = self._named("shopperkit_dimensions", DimensionDefinition, "dimension_duplicate")
        return {name: dim for name, (_, dim) in named.items()}

    def finding_rules(self) -> dict[str, FindingRule]:
        """Every finding rule by name."""
        named = self._named("shopperkit_finding_rules", FindingRule, "rule_duplicate")
        return {name: rule for name, (_, rule) in named.items()}

    def recommendation_rules(self) -> list[RecommendationRule]:
        """Recommendation rules in the order they are tried: plugins' first, built-ins last."""
        named = self._named("shopperkit_recommendation_rules", RecommendationRule, "rule_duplicate")
        plugins_first = sorted(named.values(), key=lambda item: item[0] == BUILTIN_NAME)
        return [rule for _, rule in plugins_first]

    def report_theme(self, programme: str) -> ReportTheme | None:
        """The theme a plugin gives ``programme``'s reports, if any."""
        named = self._named("shopperkit_report_themes", ReportTheme, "theme_duplicate")
        found = named.get(programme)
        return found[1] if found is not None else None

    def messages(self) -> dict[str, Templates]:
        """The message catalogue: the built-in codes plus every plugin's.

        Merged by :func:`shopperkit.messages.merge_catalogues`: a code defined twice (by the
        built-ins and a plugin, or by two plugins) is ``message_duplicate``; a catalogue
        without every required language, or whose translations name other fields than
        English, is ``plugin_invalid``.
        """
        hook_name = "shopperkit_messages"
        if hook_name not in self._cache:
            answers = self._collect(hook_name)
            for plugin, answer in answers:
                problems = catalogue_problems(answer)
                if problems:
                    reason = f"{hook_name}: " + "; ".join(problems)
                    raise PluginError("plugin_invalid", {"plugin": plugin, "reason": reason})
            try:
                self._cache[hook_name] = merge_catalogues(*answers)
            except DuplicateMessageCode as clash:
                params = {"name": clash.code, "first": clash.first, "second": clash.second}
                raise PluginError("message_duplicate", params) from None
        merged: dict[str, Templates] = self._cache[hook_name]
        return dict(merged)

    def _sources(self, hook_name: str) -> dict[str, list[ProgrammeSource]]:
        """The files a source hook returns, by the plugin that provides them."""
        sources: dict[str, list[ProgrammeSource]] = {}
        for plugin, files in self._collect(hook_name):
            sources.setdefault(plugin, []).extend(files)
        return sources

    def programme_sources(self) -> dict[str, list[ProgrammeSource]]:
        """Programme files by the plugin that provides them."""
        return self._sources("shopperkit_programmes")

    def directory_sources(self) -> dict[str, list[ProgrammeSource]]:
        """Directory files by the plugin that provides them."""
        return self._sources("shopperkit_directories")

    def question_scorers(self) -> dict[str, Callable[[Any], float]]:
        """Every plugin question type's scorer by type name (core types cannot be replaced)."""
        from shopperkit.model.forms import CORE_TYPES

        def entries(plugin: str, answer: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
            for name, scorer in answer.items():
                if name in CORE_TYPES or not callable(scorer):
                    reason = f"question type {name!r} is a core type or its scorer is not callable"
                    raise PluginError("plugin_invalid", {"plugin": plugin, "reason": reason})
                yield name, scorer

        keyed = self._keyed("shopperkit_question_scorers", "question_type_duplicate", entries)
        return {name: scorer for name, (_, scorer) in keyed.items()}

    def form_sources(self) -> dict[str, list[ProgrammeSource]]:
        """Evaluation form files by the plugin that provides them."""
        return self._sources("shopperkit_forms")

    def info(self) -> list[dict[str, Any]]:
        """Name, distribution, version and hooks implemented of every loaded plugin."""
        rows = []
        for name, plugin in sorted(self.pm.list_name_plugin()):
            hooks = sorted(impl_hook.name for impl_hook in self.pm.get_hookcallers(plugin) or [])
            dist, version = self.pm.distributions.get(name, ("unknown", "unknown"))
            rows.append({"name": name, "distribution": dist, "version": version, "hooks": hooks})
        return rows


def module_plugin(name: str, **hooks: Callable[..., Any]) -> ModuleType:
    """A plugin object from hook functions, for tests and small scripts."""
    module = ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, hookimpl(function))
    return module
