"""Entry point of group ``hypothesis``: registers shopperkit's strategies for ``st.from_type``.

Hypothesis calls :func:`_register_strategies` when it starts; the strategies module is
imported lazily, through ``st.deferred``, so this costs nothing until a test asks for a model.
"""

from __future__ import annotations


def _register_strategies() -> None:
    from hypothesis import strategies as st

    from shopperkit.testing import strategies

    for model, strategy in {**strategies.registry(), **strategies.OPERATIONS}.items():
        st.register_type_strategy(model, strategy)
