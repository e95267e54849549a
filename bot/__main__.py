"""`python -m bot` runs the archivist command line."""

import sys

from bot.cli import main

sys.exit(main())
