"""`python -m lib.matching propose|bench`."""

import sys

from lib.matching.cli import main

sys.exit(main())
