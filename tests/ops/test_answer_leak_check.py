"""The run-wide log check (tests/conftest.py, tests/common/answer_leaks.py) can fail: it spots an intake printed in any
of the usual ways, and lets through what the service does log (field names, rule errors, exception types)."""

from __future__ import annotations

import json
import logging

import pytest

from tests.common.answer_leaks import leaks
from tests.common.ops_support import EXAMPLE

from suitability.intake import parse_intake

INTAKE = parse_intake(json.loads(EXAMPLE.read_text()))


def record(message: str, *args: object, error: BaseException | None = None) -> logging.LogRecord:
    return logging.LogRecord("suitability.x", logging.ERROR, __file__, 1, message, args,
                             (type(error), error, None) if error else None)


@pytest.mark.parametrize("logged", [
    record("got %s", INTAKE.model_dump_json()),
    record("got %r", INTAKE),
    record("got %s", INTAKE.model_dump()),
    record("form %s", [("smoker", "no")]),
    record("failed", error=ValueError(INTAKE.model_dump_json())),
    record("failed", error=RuntimeError("wrapped", ValueError(f"{INTAKE!r}"))),
], ids=["json", "model-repr", "dict", "form-items", "exception", "exception-args"])
def test_an_intake_printed_in_a_log_record_is_found(logged: logging.LogRecord) -> None:
    assert leaks([logged])


@pytest.mark.parametrize("logged", [
    record("field intake.pregnant: Input should be 'yes', 'no' or 'not_sure'"),
    record("rule set refused, keeping %s: %s", "sha256:1", "file medicines.yaml, rule isotretinoin-past, field "
           "when: unknown field 'isotretinon' (did you mean 'isotretinoin'?)"),
    record("automatic screen failed under %s: %s at %s", "sha256:1", "ValueError", "combine.py:12"),
    record("submission not stored: %s", "StorageError"),
], ids=["field-error", "rule-error", "exception-type", "storage-error"])
def test_what_the_service_logs_is_not_mistaken_for_answers(logged: logging.LogRecord) -> None:
    assert leaks([logged]) == []
