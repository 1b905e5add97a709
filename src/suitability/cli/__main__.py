"""`python -m suitability.cli`: the same commands as the `suitability` script."""

import sys

from . import main

sys.exit(main())
