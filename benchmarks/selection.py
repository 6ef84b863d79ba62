"""Cohort selection: shopperkit against ``sortition-algorithms`` on the shared instances.

Run by ``make bench`` (which installs the ``bench`` extra).
"""

from __future__ import annotations


def main() -> int:
    """Print the side-by-side table."""
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
