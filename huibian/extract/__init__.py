"""Fact extraction: every number a report states about a measurable quantity.

The extractor is a small grammar over the cleaned text, not a model: it finds number
mentions (value, range, unit, qualifier), then reads their left context within the
clause and sentence for the quantity's name, the measure (growth, share, ...), the
period and the kind, following docs/facts.md. Cue words come from data/cues.yaml and
units from data/units.yaml, so the grammar stays short and the knowledge extendable.

The package, one job per module:
  cues      data/cues.yaml loaded once, and the compiled patterns built from it
  mentions  number mentions: value, range, unit, qualifier, in one scan of the text
  context   where a mention stands: paragraph role, sentence cues, five-year reading,
            horizon, explicit years, enclosing section
  naming    the quantity's name and subjects, and the indicator a name stands for
  facts     extract(): the pieces put together, one Fact per stated quantity
"""

from huibian.extract.facts import extract
from huibian.extract.rules import ExtractConfig

__all__ = ["ExtractConfig", "extract"]
