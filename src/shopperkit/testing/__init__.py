"""Tools for testing programmes and policies: hypothesis strategies in ``strategies``.

Importing this package costs nothing: hypothesis is imported only by the strategies module.
"""
