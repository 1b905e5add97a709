"""Rule files, after the intake in the pipeline: read, checked, compiled to the engine's conditions and sealed.

The catalogue, its diff and the profiles' comparison are for people and tools, not for a screening: import them
from their modules (importing them here would load them into every screening process)."""

from .conditions import Period, Test
from .coverage import SCREEN_FAILED
from .loading import (
    PROFILES,
    content_version,
    default_rules_dir,
    load_rules,
    load_rules_from_files,
    read_rule_files,
    version_of,
)
from .model import InstructionSpec, Rule, RuleSet, Source, Wait
from .parsing import parse_instructions, parse_rule, parse_yaml
from .seal import SEAL, check_seal, sealed
from .validity_table import parse_validity

__all__ = [
    "PROFILES", "SCREEN_FAILED", "SEAL", "InstructionSpec", "Period", "Rule", "RuleSet", "Source", "Test", "Wait",
    "check_seal", "content_version", "default_rules_dir", "load_rules", "load_rules_from_files", "parse_instructions",
    "parse_rule", "parse_validity", "parse_yaml", "read_rule_files", "sealed", "version_of",
]
