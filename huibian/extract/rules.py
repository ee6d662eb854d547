"""The extractor's named rules: each decides one thing about a fact, can say that it fired
(Fact.rules), and can be switched off in ExtractConfig to measure what it is worth
(`huibian eval --ablate RULE`, benchmarks/rule_impact.py --ablate RULE)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExtractConfig:
    """Which rules run: all but the `disabled` ones."""

    disabled: frozenset[str] = frozenset()

    def on(self, rule: str) -> bool:
        return rule not in self.disabled
