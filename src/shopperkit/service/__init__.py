"""The service (``shopperkit serve``): an HTTP API for apps, a web form and a chat
conversation, on the workspace store. Install with ``pip install 'shopperkit[serve]'``.

>>> from shopperkit.service import ServiceSettings, create_app          # doctest: +SKIP
>>> app = create_app(ServiceSettings("sqlite:///programme.db", "uae"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopperkit.lazy import lazy_exports

if TYPE_CHECKING:
    from shopperkit.service.app import create_app
    from shopperkit.service.core import Service
    from shopperkit.service.intake import Intake
    from shopperkit.service.settings import ServiceSettings

_HOMES = {
    "create_app": "app",
    "Service": "core",
    "Intake": "intake",
    "ServiceSettings": "settings",
}

__all__ = ["Intake", "Service", "ServiceSettings", "create_app"]

__getattr__ = lazy_exports(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted([*globals(), *__all__])
