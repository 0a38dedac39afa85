"""`python -m tests.reliability_support PIPELINE_JSON STEP...`: run steps in a child process, which
the fault tests start so that they have a process to kill."""

from __future__ import annotations

import json
import sys

from tests.reliability_support.pipeline import Pipeline


def main(argv: list[str]) -> int:
    pipeline = Pipeline.from_json(argv[0])
    results = pipeline.run(*argv[1:])
    print(json.dumps({step: str(type(result).__name__) for step, result in results.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
