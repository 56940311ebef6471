"""`python -m lib.matching propose`."""

import sys

from lib.matching.cli import main

sys.exit(main())
