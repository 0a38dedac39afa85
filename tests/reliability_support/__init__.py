"""What the reliability tests share.

`pipeline` has scratch warehouses, small generated terms and the pipeline's steps, run in order in
this process or in a child process that a test can kill. `fingerprint` reads the warehouse and
the output folders into fingerprints by which two runs are compared.

`python -m tests.reliability_support PIPELINE_JSON STEP...` runs steps in a child process; the
fault tests start it that way so that they have a process to kill.
"""

from tests.reliability_support.fingerprint import (
    Fingerprint,
    assert_matches_clean_run,
    byte_digests,
    clean_run,
    file_fingerprint,
    output_fingerprint,
    warehouse_fingerprint,
)
from tests.reliability_support.pipeline import (
    ALL_STEPS,
    PROVINCES,
    SEED,
    STEPS,
    Pipeline,
    active_queries,
    generated_term,
    kill,
    query_one,
    rendered_submissions,
    scratch_warehouse,
    session_folder,
    steps_after,
    steps_before,
    validation_order,
    wait_for,
    wait_for_sessions_to_end,
)

__all__ = [
    "ALL_STEPS",
    "PROVINCES",
    "SEED",
    "STEPS",
    "Fingerprint",
    "Pipeline",
    "active_queries",
    "assert_matches_clean_run",
    "byte_digests",
    "clean_run",
    "file_fingerprint",
    "generated_term",
    "kill",
    "output_fingerprint",
    "query_one",
    "rendered_submissions",
    "scratch_warehouse",
    "session_folder",
    "steps_after",
    "steps_before",
    "validation_order",
    "wait_for",
    "wait_for_sessions_to_end",
    "warehouse_fingerprint",
]
