"""Every hook a shopperkit plugin can implement, grouped by the phase that calls it.

Plugins import only :data:`shopperkit.hookimpl`. Each hook returns what the plugin contributes;
shopperkit collects the answers of every plugin, checks them for clashes and names the plugin
when one is wrong. Hooks only grow: arguments are added, never removed, within a major version.
A hook whose phase has not landed yet is still specified here so plugins can target it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from shopperkit.dimensions import DimensionDefinition
    from shopperkit.eligibility.rules import RuleDefinition, RuleExample
    from shopperkit.i18n.catalogues import Template
    from shopperkit.insights.findings import FindingRule
    from shopperkit.insights.recommendations import RecommendationRule
    from shopperkit.insights.theme import ReportTheme

hookspec = pluggy.HookspecMarker("shopperkit")

ProgrammeSource = Path | Traversable
"""Where a programme or form file lives: a path, or a file inside an installed package."""


# --- programmes -------------------------------------------------------------------------


@hookspec
def shopperkit_programmes() -> Sequence[ProgrammeSource]:
    """Programme files (JSON or TOML) this plugin provides.

    Called when a programme is looked up by name and by ``shopperkit plugins``. Each file is
    validated against ``schemas/programme.schema.json``; two plugins providing the same
    programme id is an error naming both.
    """
    raise NotImplementedError


# --- stage 1: screening -----------------------------------------------------------------


@hookspec
def shopperkit_eligibility_rules() -> Sequence[RuleDefinition]:
    """Eligibility rules this plugin adds, each with a unique name.

    Called once when a screener is built. A programme uses a rule by naming it in its
    ``rules`` list. A rule whose name is already taken is an error: a programme replaces a
    rule only through an explicit ``overrides`` entry, which is recorded in every verdict.
    """
    raise NotImplementedError


@hookspec
def shopperkit_rule_examples() -> Sequence[RuleExample]:
    """How to build applicants that pass or fail this plugin's rules, one per rule.

    Called by the testing kit when it generates applicants for a programme that uses a rule
    from a plugin (``applicants_for``); a programme using a plugin rule that has no example is
    an error there, never a silently wrong applicant. Two plugins giving an example for the
    same rule is an error naming both.
    """
    raise NotImplementedError


# --- stage 2 and selection --------------------------------------------------------------


@hookspec
def shopperkit_dimensions() -> Sequence[DimensionDefinition]:
    """Diversity dimensions this plugin can derive from an applicant (such as age group).

    Called when the candidate pool is written and when quotas are resolved. Each definition
    has a unique name and a function from applicant and programme to the dimension's value.
    """
    raise NotImplementedError


# --- operations -------------------------------------------------------------------------


@hookspec
def shopperkit_directories() -> Sequence[ProgrammeSource]:
    """Directory files (JSON: entities, services, centres) this plugin provides.

    Called when a command needs the directory of a programme this plugin provides and none is
    given on the command line (``assign``, ``report``); each file is validated against
    ``schemas/directory.schema.json``.
    """
    raise NotImplementedError


# --- evaluation forms and scoring -------------------------------------------------------


@hookspec
def shopperkit_forms() -> Sequence[ProgrammeSource]:
    """Evaluation form files (JSON or YAML) this plugin provides.

    Called when a form is looked up by id; each file is validated against
    ``schemas/form.schema.json``.
    """
    raise NotImplementedError


@hookspec
def shopperkit_question_scorers() -> Mapping[str, Callable[..., Any]]:
    """Custom question scorers by type name, for question types the core does not know.

    Called when a form is compiled. A scorer maps an answer to item points on 0 to 100.
    """
    raise NotImplementedError


# --- insights ---------------------------------------------------------------------------


@hookspec
def shopperkit_finding_rules() -> Sequence[FindingRule]:
    """Rules that turn grouped scores into findings for an entity, centre, service or hand-off.

    Called when findings are computed for a report; every rule's findings are kept. Built-ins:
    ``against_baseline`` and ``trends``.
    """
    raise NotImplementedError


@hookspec
def shopperkit_recommendation_rules() -> Sequence[RecommendationRule]:
    """Rules that turn findings into recommendations with a priority and localised text.

    Called once per report. For each finding the first rule that applies makes the
    recommendation: plugins' rules are tried before the built-in ones.
    """
    raise NotImplementedError


@hookspec
def shopperkit_report_themes() -> Sequence[ReportTheme]:
    """How the reports of this plugin's programmes look, one theme per programme id.

    Called when a report is laid out. A theme names the authority and a logo text per
    language, sets colours and may give a folder of templates that replace the built-in
    ones. Two plugins theming the same programme is ``theme_duplicate``.
    """
    raise NotImplementedError


# --- messages ---------------------------------------------------------------------------


@hookspec
def shopperkit_messages() -> Mapping[str, Mapping[str, Template]]:
    """Message templates this plugin adds: code -> language -> template with ``{fields}``
    (a :class:`shopperkit.i18n.Plural` for a message that counts).

    Called when a screener or report is built. A plugin ships gettext catalogues and returns
    ``shopperkit.i18n.load_catalogue(directory, domain)``, so ``shopperkit messages check``
    finds its ``.po`` files too. Every code needs every language of
    ``shopperkit.messages.REQUIRED_LANGUAGES`` (``en`` and ``ar``), each naming the same
    fields as English. A plugin adds codes: one the built-ins or another plugin define is
    ``message_duplicate``.
    """
    raise NotImplementedError
