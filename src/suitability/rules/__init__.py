"""Rule files, after the intake in the pipeline: read, checked, compiled to the engine's conditions and sealed.

`catalogue_diff` is not re-exported: a function named like its module would hide the module."""

from .catalogue import catalogue_html, catalogue_markdown
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
from .profiles import diff_profiles, diff_rulesets
from .seal import SEAL, check_seal, sealed
from .validity_table import parse_validity

__all__ = [
    "PROFILES", "SCREEN_FAILED", "SEAL", "InstructionSpec", "Period", "Rule", "RuleSet", "Source", "Test", "Wait",
    "catalogue_html", "catalogue_markdown", "check_seal", "content_version", "default_rules_dir", "diff_profiles",
    "diff_rulesets", "load_rules", "load_rules_from_files", "parse_instructions", "parse_rule", "parse_validity",
    "parse_yaml", "read_rule_files", "sealed", "version_of",
]
