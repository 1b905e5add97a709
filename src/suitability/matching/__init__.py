"""Matching, after the rules in the pipeline: facts and compiled rules go into durable-rules, fired rules out.

engine.py is the only module of the package that imports durable-rules."""

from .batch import BatchWriter
from .engine import Engine

__all__ = ["BatchWriter", "Engine"]
