"""suitability: an explainable pre-screen for microneedling. `screen(intake) -> Decision` is the whole core."""

from .decision import Decision, DepthLimit, Finding, Instruction, Phase
from .errors import EngineError, RuleFileError, SuitabilityError
from .intake import Intake, TreatmentRequest
from .rules.loading import RuleSet, load_rules
from .screening import Screener, default_screener, screen, set_default_screener
from .vocabulary import Answer, Area, Concern, Modality, Outcome, Setting

__all__ = [
    "Answer",
    "Area",
    "Concern",
    "Decision",
    "DepthLimit",
    "EngineError",
    "Finding",
    "Instruction",
    "Intake",
    "Modality",
    "Outcome",
    "Phase",
    "RuleFileError",
    "RuleSet",
    "Screener",
    "Setting",
    "SuitabilityError",
    "TreatmentRequest",
    "default_screener",
    "load_rules",
    "screen",
    "set_default_screener",
]
