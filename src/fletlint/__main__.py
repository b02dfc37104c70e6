"""`python -m fletlint`: the same as the `fletlint` command (editors start the server so)."""

import sys

from fletlint.cli import main

sys.exit(main())
