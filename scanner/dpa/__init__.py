"""Data-processing agreements (DPAs) as JSON Schemas over the vendor data-flow record.

``load_dpa_folder`` reads a folder of DPA files (one per vendor, checked against
schemas/dpa-vocabulary.schema.json); ``check_record`` validates a vendor's data-flow
record against its DPA and returns the violations as sentences citing the contract.
"""

from scanner.dpa.loader import (
    Dpa,
    DpaProblem,
    DpaReferenceError,
    DpaSet,
    bundled_baseline_path,
    load_dpa_folder,
    vocabulary_problems,
)
from scanner.dpa.validation import DpaViolation, check_record, clause_number
from scanner.dpa.vocabulary import VOCABULARY_SCHEMA

__all__ = [
    "VOCABULARY_SCHEMA",
    "Dpa",
    "DpaProblem",
    "DpaReferenceError",
    "DpaSet",
    "DpaViolation",
    "bundled_baseline_path",
    "check_record",
    "clause_number",
    "load_dpa_folder",
    "vocabulary_problems",
]
