"""The Qatar-style recruited Mystery Shopper programme, as a shopperkit plugin.

Parameters are data (``qatar-cgb.json``); the rules are shopperkit's generic ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files

from shopperkit import hookimpl
from shopperkit.hookspecs import ProgrammeSource

PROGRAMME_FILE = files(__name__) / "qatar-cgb.json"


@hookimpl
def shopperkit_programmes() -> Sequence[ProgrammeSource]:
    return [PROGRAMME_FILE]
