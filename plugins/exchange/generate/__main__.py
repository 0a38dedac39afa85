"""Run the generator: ``python -m exchange.generate --out DIR --seed N``."""

import sys

from exchange.generate import main

sys.exit(main())
