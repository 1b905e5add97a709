"""The rule set's validity table (`validity:` in ruleset.yaml): how long each time-sensitive answer holds.

Read with the rule set; deciding.validity uses it to date a decision's validity and to choose the questions
asked again at check-in.
"""

from __future__ import annotations

from typing import Any

from ..errors import RuleFileError
from ..intake import Intake
from ..intake.facts import FIELDS, TREATMENT
from .conditions import Period, parse_period, suggest

# Questions the patient answers (not the treatment request, the setting or the dates of the screening).
QUESTIONS = tuple(name for name in Intake.model_fields if name in FIELDS and FIELDS[name].topic not in ("*", TREATMENT))


def parse_validity(raw: Any, file: str) -> dict[str, Period]:
    """`validity: {question: period}`; each key an intake question, each period such as '7 days'."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RuleFileError("'validity' must map questions to periods, e.g. {pregnant: 7 days}", file=file,
                            field="validity")
    table: dict[str, Period] = {}
    for name, period in raw.items():
        name = str(name)
        if name not in QUESTIONS:
            raise RuleFileError("not a question of the intake", file=file, field=f"validity.{name}",
                                suggestion=suggest(name, QUESTIONS))
        table[name] = parse_period(period, {"file": file, "field": f"validity.{name}"})
    return table
