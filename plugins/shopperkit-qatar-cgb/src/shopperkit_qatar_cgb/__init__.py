"""The Qatar-style recruited Mystery Shopper programme, as a shopperkit plugin.

Parameters are data (``qatar-cgb.json``); the rules are shopperkit's generic ones. The
Bureau's forms are data too: ``forms/qatar-visit.yaml`` (the customer experience of one
visit) and ``forms/qatar-mission.yaml`` (a special exploratory mission across linked services,
scoring each hand-off between entities).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from shopperkit import hookimpl
from shopperkit.hookspecs import ProgrammeSource

PROGRAMME_FILE = files(__name__) / "qatar-cgb.json"
DIRECTORY_FILE = files(__name__) / "directory.json"
FORM_FILES = {
    "qatar-visit": files(__name__) / "forms" / "qatar-visit.yaml",
    "qatar-mission": files(__name__) / "forms" / "qatar-mission.yaml",
}


@hookimpl
def shopperkit_programmes() -> Sequence[ProgrammeSource]:
    return [PROGRAMME_FILE]


@hookimpl
def shopperkit_forms() -> Sequence[ProgrammeSource]:
    return list(FORM_FILES.values())


@hookimpl
def shopperkit_directories() -> Sequence[ProgrammeSource]:
    return [DIRECTORY_FILE]
