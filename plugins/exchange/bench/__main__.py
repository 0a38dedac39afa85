"""Run one benchmark phase in this process; `exchange bench` starts one such process per phase."""

import sys

from exchange.bench.phases import main

sys.exit(main())
