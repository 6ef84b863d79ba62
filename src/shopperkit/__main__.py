"""``python -m shopperkit``: the same as the ``shopperkit`` command."""

import sys

from shopperkit.cli import main

sys.exit(main())
