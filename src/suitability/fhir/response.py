"""A QuestionnaireResponse to `microneedling-prescreen` read into a validated Intake, and an Intake written as one.

Answers are keyed by linkId (= intake field name; `treatments.area` inside each repetition of the `treatments`
group). An unanswered item is a missing answer, exactly as a missing key in the JSON API. The result goes
through `parse_intake`, so the same answers give the same Intake, and the same decision, by either path.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from .. import clock, settings
from ..intake import TOPICS, Intake, field_errors, parse_intake
from ..intake.unknown_fields import UNKNOWN, is_unknown_field, unknown_field
from .codes import QUESTIONNAIRE_ID, QUESTIONNAIRE_URL, checked, coding, system_of
from .fields import VALUE_KEY, ItemKind, intake_fields, kind_of
from .outcome import ResponseInvalid, element_path, redact

ACCEPTED_STATUS = ("completed", "amended", "in-progress")
MAX_DEPTH = 40  # JSON levels; the questionnaire's deepest answer (a treatment's area) is 9 levels down


class _Reader:
    """Walks the response's items, collecting intake data and every problem."""

    def __init__(self) -> None:
        self.kinds = {name: kind for name, (_, kind, _) in intake_fields().items()}
        self.data: dict[str, Any] = {}
        self.errors: list[dict[str, str]] = []

    def error(self, link_id: str, message: str) -> None:
        self.errors.append({"field": link_id, "message": message})

    def value(self, link_id: str, kind: ItemKind, answer: Any) -> Any:
        key = VALUE_KEY[kind.fhir_type]
        value = getattr(answer, key, None)
        if value is None:
            self.error(link_id, f"the answer must be a {key}")
            return None
        if kind.fhir_type == "choice" and kind.enum is not None:
            if value.system not in (None, system_of(kind.enum)) or value.code not in {m.value for m in kind.enum}:
                self.error(link_id, f"the answer must be one of the codes of {system_of(kind.enum)}")
                return None
            return value.code
        if kind.fhir_type == "date":
            if not isinstance(value, dt.date):
                self.error(link_id, "give a full date (YYYY-MM-DD)")
                return None
            return value.isoformat()
        return value

    def answers(self, link_id: str, kind: ItemKind, item: Any) -> Any:
        answers = list(item.answer or [])
        if not kind.repeats and len(answers) > 1:
            self.error(link_id, "this question takes one answer")
            return None
        values = [self.value(link_id, kind, a) for a in answers]
        if kind.repeats:
            return values if answers and None not in values else None
        return values[0] if values else None

    def group(self, link_id: str, kind: ItemKind, item: Any) -> dict[str, Any]:
        assert kind.model is not None
        row: dict[str, Any] = {}
        before = len(self.errors)
        for position, child in enumerate(item.item or [], 1):
            name = str(child.linkId).removeprefix(f"{link_id}.")
            info = kind.model.model_fields.get(name)
            if info is None or not str(child.linkId).startswith(f"{link_id}."):
                self.error(link_id, f"{UNKNOWN}: item {position} is not a question of the {link_id} group")
                continue
            value = self.answers(str(child.linkId), kind_of(name, info), child)
            if value is not None:
                row[name] = value
        number = len(self.data.get(link_id, [])) + 1
        for err in self.errors[before:]:  # say which repetition, as the linkId is the same in each
            err["message"] = f"{link_id} {number}: {err['message']}"
        return row

    def walk(self, items: Any, path: str = "QuestionnaireResponse.item") -> None:
        for position, item in enumerate(items or []):
            link_id = str(item.linkId)
            if link_id in TOPICS:
                self.walk(item.item, f"{path}[{position}].item")
                continue
            kind = self.kinds.get(link_id)
            if kind is None:  # never quoted: a linkId is whatever the sender typed
                self.error(f"{path}[{position}].linkId", f"{UNKNOWN}: not a question of Questionnaire/{QUESTIONNAIRE_ID}")
            elif kind.fhir_type == "group":
                self.data.setdefault(link_id, []).append(self.group(link_id, kind, item))
            elif link_id in self.data:
                self.error(link_id, "this question is answered twice")
            else:
                value = self.answers(link_id, kind, item)
                if value is not None:
                    self.data[link_id] = value
            for number, answer in enumerate(item.answer or []):
                self.walk(answer.item, f"{path}[{position}].answer[{number}].item")


def nesting_depth(data: Any, stop: int) -> int:
    """How deeply JSON objects and arrays nest in `data` (without recursion), counting no further than `stop`."""
    deepest, level = 0, [data]
    while level and deepest < stop:
        deepest += 1
        level = [child for value in level for child in (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ())
            if isinstance(child, (dict, list))]
    return deepest if level else deepest - (deepest > 0 and not isinstance(data, (dict, list)))


def _resource(posted: Any) -> QuestionnaireResponse:
    if not isinstance(posted, dict):
        raise ResponseInvalid([{"field": "QuestionnaireResponse", "message": "send a JSON object"}])
    # The FHIR model validates recursively: a response nested far deeper than the questionnaire's own items
    # would exhaust the stack inside it. Refused before it is parsed.
    if nesting_depth(posted, MAX_DEPTH + 1) > MAX_DEPTH:
        raise ResponseInvalid([{"field": "QuestionnaireResponse.item", "message":
                                f"items and answers nest more than {MAX_DEPTH} levels deep"}])
    if posted.get("resourceType") != "QuestionnaireResponse":
        raise ResponseInvalid([{"field": "QuestionnaireResponse.resourceType",
                                "message": "must be QuestionnaireResponse"}])
    try:
        return QuestionnaireResponse.model_validate(posted)
    except ValidationError as exc:
        raise ResponseInvalid([_model_error(e, posted)
                               for e in exc.errors(include_input=False, include_url=False)]) from None
    except RecursionError:  # not reached within MAX_DEPTH; kept so no shape of input can give a 5xx
        raise ResponseInvalid([{"field": "QuestionnaireResponse", "message": "nested too deeply"}]) from None


def _model_error(error: Any, posted: dict[str, Any]) -> dict[str, str]:
    """A FHIR model error as {field, message}: never quoting a value sent, nor an unknown element's name."""
    if is_unknown_field(error):
        where, message = unknown_field(error["loc"], posted)
        return {"field": element_path(where), "message": message}
    return {"field": element_path(error["loc"]), "message": redact(str(error["msg"]), posted)}


def _check_header(qr: QuestionnaireResponse, reader: _Reader) -> None:
    canonical = str(qr.questionnaire or "").partition("|")[0]
    if canonical != QUESTIONNAIRE_URL:
        reader.error("QuestionnaireResponse.questionnaire", f"must be {QUESTIONNAIRE_URL} (optionally |version)")
    if qr.status not in ACCEPTED_STATUS:
        reader.error("QuestionnaireResponse.status", f"must be one of {', '.join(ACCEPTED_STATUS)}")


def screening_day(authored: Any, zone: dt.tzinfo) -> dt.date:
    """The day the patient answered: `authored` as a day in the clinic's zone (a time without a zone is taken
    as the clinic's own); today there when the response has no `authored`."""
    if isinstance(authored, dt.datetime):
        return authored.astimezone(zone).date() if authored.tzinfo is not None else authored.date()
    if isinstance(authored, dt.date):
        return authored
    return clock.today(zone)


def intake_from_response(posted: Any, zone: dt.tzinfo | None = None) -> Intake:
    """Read a posted QuestionnaireResponse (JSON-like dict); raise ResponseInvalid listing every problem. The
    screening date is the day it was authored in the clinic's zone (`zone`, default SUITABILITY_TIMEZONE or the
    server's), never later than today there."""
    zone = zone if zone is not None else settings.clinic_zone()
    qr = _resource(posted)
    reader = _Reader()
    _check_header(qr, reader)
    reader.walk(qr.item)
    day = screening_day(qr.authored, zone)
    if day > clock.today(zone):
        reader.error("QuestionnaireResponse.authored",
                     "must not be later than today in the clinic's time zone")
    reader.data["screening_date"] = day.isoformat()
    try:
        intake = parse_intake(reader.data)
    except ValidationError as exc:
        seen = {e["field"] for e in reader.errors}
        for err in field_errors(exc):
            link_id = re.sub(r"\.(\d+)(?=\.|$)", "", err["field"])
            if any(s == link_id or s.startswith(f"{link_id}.") for s in seen):
                continue  # already reported where it went wrong, not again as a consequence
            number = re.search(r"\.(\d+)(?=\.|$)", err["field"])
            message = redact(err["message"], reader.data)
            reader.error(link_id, f"{link_id.partition('.')[0]} {int(number[1]) + 1}: {message}" if number else message)
        raise ResponseInvalid(reader.errors) from None
    if reader.errors:
        raise ResponseInvalid(reader.errors)
    return intake


def _answer(kind: ItemKind, value: Any) -> list[dict[str, Any]]:
    values = value if isinstance(value, (list, tuple)) else [value]
    if kind.enum is not None:
        return [{"valueCoding": coding(kind.enum(v))} for v in values]
    return [{VALUE_KEY[kind.fhir_type]: v} for v in values]


def response_from_intake(intake: Intake, *, authored: str | None = None) -> dict[str, Any]:
    """The QuestionnaireResponse that answers exactly what this intake answers (unanswered items are left out)."""
    answered = intake.model_dump(mode="json", exclude_none=True)
    groups: dict[str, list[dict[str, Any]]] = {topic: [] for topic in TOPICS}
    for name, (info, kind, meta) in intake_fields().items():
        value = answered.get(name)
        if value in (None, [], ()):
            continue
        topic = groups[meta.get("topic", "about_you")]
        if kind.model is not None:
            for row in value:
                topic.append({"linkId": name, "item": [
                    {"linkId": f"{name}.{k}", "answer": _answer(kind_of(k, kind.model.model_fields[k]), v)}
                    for k, v in row.items()]})
        else:
            topic.append({"linkId": name, "answer": _answer(kind, value)})
    return checked(QuestionnaireResponse, {
        "resourceType": "QuestionnaireResponse", "questionnaire": QUESTIONNAIRE_URL, "status": "completed",
        "authored": authored or intake.screening_date.isoformat(),  # the day answered: the screening date
        "item": [{"linkId": t, "item": items} for t, items in groups.items() if items],
    })
