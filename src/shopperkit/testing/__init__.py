"""Tools for testing programmes and policies: hypothesis strategies (``shopperkit.testing.strategies``).

Importing this package costs nothing: hypothesis is imported only by the strategies module.
"""
