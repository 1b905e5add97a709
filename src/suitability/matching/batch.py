"""An intake's facts written straight as the engine's JSON batch, with only the fields some rule tests.

The same facts as `facts.intake_to_facts` (the differential tests hold the two to it), without building the
dicts first: writing the text from the intake is a fifth of the time of a screening less (docs/performance.md).
Every value is an int or a string from a closed vocabulary, encoded by json.dumps once per rule set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..intake import Intake
from ..intake.facts import FIELDS, SCREENING, TOPICS, TREATMENT, counted_from, melasma_in_area, months_between

CHOICE, CONTEXT, AGE, DATE = range(4)
_DAYS, _MONTHS = "__days", "__months"
Step = tuple[int, str, str, str]  # (kind, intake field, JSON key, second JSON key for a date's months)


def encode(value: str) -> str:
    """A string value as the engine reads it (the same call Engine._messages makes)."""
    return json.dumps(value, ensure_ascii=False)


class BatchWriter:
    """Writes one screening's facts for a compiled rule set: `tested` is, per topic, the fact fields its rules
    read (Engine._fields without "t" and "idx")."""

    def __init__(self, tested: Mapping[str, tuple[str, ...]]) -> None:
        self._codes = {value: encode(value) for info in FIELDS.values() for value in info.values}
        self._not_sure = self._codes["not_sure"]
        # the screening fact always (the catch-all rule needs it), then each topic some rule reads
        self._topics = tuple(('{"t":' + encode(topic), self._steps(tested.get(topic, ())))
                             for topic in (SCREENING, *TOPICS) if topic == SCREENING or topic in tested)
        self._treatment = self._steps(tested[TREATMENT]) if TREATMENT in tested else None

    @staticmethod
    def _steps(names: tuple[str, ...]) -> tuple[Step, ...]:
        steps: list[Step] = []
        dates: dict[str, list[str]] = {}
        for name in names:
            if name in ("t", "idx"):
                continue
            if name.endswith((_DAYS, _MONTHS)):
                base, _, unit = name.rpartition("__")
                dates.setdefault(base, ["", ""])[unit == "months"] = f'"{name}":'
            elif name in ("setting", "modality"):
                steps.append((CONTEXT, name, f'"{name}":', ""))
            elif FIELDS[name].kind == "int":
                steps.append((AGE, name, f'"{name}":', ""))
            else:
                steps.append((CHOICE, name, f'"{name}":', ""))
        steps.extend((DATE, base, days, months) for base, (days, months) in sorted(dates.items()))
        return tuple(steps)

    def write(self, intake: Intake, sid: str) -> str:
        """The batch for `intake` in session `sid`; ids are `sid.<position>` as Engine._messages writes them."""
        answers = intake.__dict__  # the validated field values (pydantic keeps them here); read, never changed
        codes, not_sure = self._codes, self._not_sure
        context = {"setting": codes[intake.setting._value_], "modality": codes[intake.modality._value_]}
        ref = intake.reference_date
        tail = f',"sid":"{sid}","id":"{sid}.'
        parts = []
        for position, (head, steps) in enumerate(self._topics):
            items = [head]
            for kind, name, key, months in steps:
                if kind == CHOICE:
                    value = answers[name]
                    items.append(key + (codes[value._value_] if value is not None else not_sure))
                elif kind == CONTEXT:
                    items.append(key + context[name])
                elif kind == AGE:
                    age = intake.age_years
                    if age is not None:
                        items.append(key + str(int(age)))
                else:
                    start = counted_from(intake, name)
                    if start is not None:
                        if key:
                            items.append(key + str((ref - start).days))
                        if months:
                            items.append(months + str(months_between(start, ref)))
            parts.append(",".join(items) + f'{tail}{position}"}}')
        if self._treatment is not None:
            first = len(self._topics)
            for index, request in enumerate(intake.treatments):
                values = {"area": request.area._value_, "concern": request.concern._value_,
                          "region": request.area.region._value_,
                          "melasma_in_area": melasma_in_area(intake, request.area)._value_}
                items = ['{"t":"treatment"', f'"idx":{index}']
                for kind, name, key, _ in self._treatment:
                    items.append(key + (context[name] if kind == CONTEXT else codes[values[name]]))
                parts.append(",".join(items) + f'{tail}{first + index}"}}')
        return "[" + ",".join(parts) + "]"
