"""Settings shared by every test directory (``tests/`` and each ``plugins/*/tests``)."""

from __future__ import annotations

from hypothesis import settings

# Examples are judged on behaviour, not speed: a busy machine must not fail a property.
settings.register_profile("shopperkit", deadline=None)
settings.load_profile("shopperkit")
