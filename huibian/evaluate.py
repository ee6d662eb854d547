"""The scorer: predicted facts against gold facts, by the matching rules of docs/facts.md.

Headline score: facts whose indicator is a headline id; a prediction is correct when
report, indicator, period, kind, measure, cmp, value/value_hi (after unit conversion)
agree and scope agrees on own-region vs part. Strict compares kind as is; lenient
merges actual and estimate. All-facts score: every fact, matched on report, period,
kind (lenient), measure and value with its unit after 万/亿 conversion.
Matching is one-to-one; each gold fact is used at most once.

A gold folder may hold `coverage.tsv` (report id, tab, `all` or `headline`): a report
annotated for its headline facts only counts in the headline scores, never in the
all-facts score, where every non-headline prediction would look spurious.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from huibian.models import HuibianError
from huibian.numbers import comparable
from huibian.taxonomy import Taxonomy

Key = tuple[Any, ...]


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Facts from a .jsonl file or every .jsonl file in a directory."""
    path = Path(path)
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise HuibianError(f"{path}: no .jsonl gold files found")
    out = []
    for f in files:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise HuibianError(f"{f}:{n}: not JSON ({e.msg})") from e
    return out


@dataclass(frozen=True)
class Gold:
    """Gold facts and the reports whose gold covers only the headline indicators."""

    facts: list[dict[str, Any]]
    headline_only: frozenset[str] = frozenset()


def load_gold(path: str | Path) -> Gold:
    """A gold file or folder, with the folder's coverage.tsv if it has one."""
    path = Path(path)
    facts = load_jsonl(path)
    cov = (path if path.is_dir() else path.parent) / "coverage.tsv"
    headline_only: set[str] = set()
    if cov.exists():
        for n, line in enumerate(cov.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 2 or parts[1].strip() not in ("all", "headline"):
                raise HuibianError(f"{cov}:{n}: expected `report<TAB>all|headline`")
            if parts[1].strip() == "headline":
                headline_only.add(parts[0].strip())
    return Gold(facts, frozenset(headline_only))


def _val(fact: dict[str, Any], key: str = "value") -> Any:
    v = fact.get(key)
    if v is None:
        return None
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            return v.replace("：", ":")
    unit = fact.get("unit") or ""
    if fact.get("measure") in ("growth", "avg_growth", "cum_growth", "change_pp", "share"):
        return round(float(v), 6), ""
    return comparable(float(v), unit)


def _kind(fact: dict[str, Any], lenient: bool) -> str:
    k = fact.get("kind")
    return "actual" if lenient and k == "estimate" else k


def headline_key(f: dict[str, Any], lenient: bool) -> Key:
    return (
        f.get("report"), f.get("indicator"), f.get("period"), _kind(f, lenient), f.get("measure"),
        f.get("cmp"), _val(f), _val(f, "value_hi"), bool(f.get("scope")),
    )


def all_key(f: dict[str, Any]) -> Key:
    return (f.get("report"), f.get("period"), _kind(f, True), f.get("measure"), _val(f))


@dataclass
class Score:
    name: str
    tp: int
    n_pred: int
    n_gold: int
    missed: list[dict[str, Any]] = field(default_factory=list)
    spurious: list[dict[str, Any]] = field(default_factory=list)
    field_errors: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.name, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4), "tp": self.tp, "pred": self.n_pred, "gold": self.n_gold}


FIELDS = ("indicator", "period", "kind", "measure", "cmp", "value", "value_hi", "unit", "scope")


def _match(name: str, pred: list[dict], gold: list[dict], key: Callable[[dict], Key]) -> Score:
    pool: dict[Key, list[dict]] = {}
    for g in gold:
        pool.setdefault(key(g), []).append(g)
    tp = 0
    spurious = []
    for p in pred:
        bucket = pool.get(key(p))
        if bucket:
            bucket.pop()
            tp += 1
        else:
            spurious.append(p)
    missed = [g for bucket in pool.values() for g in bucket]
    score = Score(name, tp, len(pred), len(gold), missed, spurious)
    score.field_errors = _field_errors(missed, spurious)
    return score


def _field_errors(missed: list[dict], spurious: list[dict]) -> Counter:
    """For each missed gold fact, the nearest spurious prediction (same report and quote
    overlap or same value) and which fields differ: where the extractor goes wrong."""
    errors: Counter = Counter()
    by_report: dict[Any, list[dict]] = {}
    for s in spurious:
        by_report.setdefault(s.get("report"), []).append(s)
    for g in missed:
        best, best_n = None, 99
        for s in by_report.get(g.get("report"), []):
            same_value = _val(s) == _val(g)
            overlap = bool(g.get("quote")) and (g["quote"] in (s.get("quote") or "") or (s.get("quote") or "#") in g["quote"])
            if not (same_value or overlap):
                continue
            diff = [f for f in FIELDS if _norm_field(f, s) != _norm_field(f, g)]
            if len(diff) < best_n:
                best, best_n = diff, len(diff)
        if best is None:
            errors["(not found)"] += 1
        else:
            for f in best:
                errors[f] += 1
    return errors


def _norm_field(name: str, f: dict) -> Any:
    if name in ("value", "value_hi"):
        return _val(f, name)
    if name == "scope":
        return bool(f.get("scope"))
    if name == "unit":
        return comparable(1, f.get("unit") or "")[1]
    return f.get(name)


def score(pred: Iterable[dict], gold: Iterable[dict], *, reports: set[str] | None = None,
          headline_only: frozenset[str] = frozenset()) -> dict[str, Score]:
    """Headline strict / lenient and all-facts scores. Predictions for reports without
    gold are ignored (so a store holding more reports than the gold can be scored);
    reports in `headline_only` count in the headline scores alone."""
    gold = list(gold)
    gold_reports = reports or {g["report"] for g in gold}
    pred = [p for p in pred if p.get("report") in gold_reports]
    headline = Taxonomy.load().headline_ids()
    hp = [p for p in pred if p.get("indicator") in headline]
    hg = [g for g in gold if g.get("indicator") in headline]
    ap = [p for p in pred if p.get("report") not in headline_only]
    ag = [g for g in gold if g.get("report") not in headline_only]
    return {
        "headline_strict": _match("headline strict", hp, hg, lambda f: headline_key(f, False)),
        "headline_lenient": _match("headline lenient", hp, hg, lambda f: headline_key(f, True)),
        "all_facts": _match("all facts", ap, ag, all_key),
    }


def per_report(pred: list[dict], gold: list[dict], headline_only: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """One row per gold report; all-facts F1 is None where the gold covers headline facts only."""
    rows = []
    for rep in sorted({g["report"] for g in gold}):
        s = score([p for p in pred if p.get("report") == rep], [g for g in gold if g["report"] == rep])
        full = rep not in headline_only
        rows.append({"report": rep, "headline_f1": round(s["headline_lenient"].f1, 4),
                     "all_f1": round(s["all_facts"].f1, 4) if full else None, "pred": s["all_facts"].n_pred,
                     "gold": s["all_facts"].n_gold, "coverage": "all" if full else "headline"})
    return rows


def reextract(conn: Any, report_ids: set[str], config: Any = None, taxonomy: Taxonomy | None = None) -> list[dict[str, Any]]:
    """Facts of stored reports extracted again from their stored text and sections, with
    `config` (an ExtractConfig): the extractor as it is now, with some rules switched off."""
    from huibian.extract import ExtractConfig, extract
    from huibian.models import ReportMeta, Section

    config = config or ExtractConfig()
    out: list[dict[str, Any]] = []
    for rid in sorted(report_ids):
        row = conn.execute("SELECT id, region, year, level, date, parent, text FROM reports WHERE id = ?", (rid,)).fetchone()
        if row is None:
            continue
        sections = [Section(idx=s[0], parent=s[1], depth=s[2], number=s[3], title=s[4], role=s[5], start=s[6], end=s[7])
                    for s in conn.execute('SELECT idx, parent, depth, number, title, role, start, "end" FROM sections '
                                          "WHERE report_id = ? ORDER BY idx", (rid,))]
        meta = ReportMeta(id=row[0], region=row[1], year=row[2], start=0, end=len(row[6]), level=row[3], date=row[4],
                          parent=row[5])
        for f in extract(row[6], sections, meta, taxonomy, config):
            d = f.to_dict()
            d["value"] = f.value
            out.append(d)
    return out


def ablate(conn: Any, gold: Gold, rules: list[str]) -> list[dict[str, Any]]:
    """Scores of the gold reports with every rule on, then with each rule of `rules` off
    (and all of them off together when there are several): what each rule is worth."""
    from huibian.extract import ExtractConfig

    stored = {r[0] for r in conn.execute("SELECT id FROM reports")}
    reports = {g["report"] for g in gold.facts} & stored
    if not reports:
        raise HuibianError("none of the gold reports is in the store — ingest them first")
    gold = Gold([g for g in gold.facts if g["report"] in reports], gold.headline_only)
    runs = [("all rules on", frozenset())] + [(f"without {r}", frozenset([r])) for r in rules]
    if len(rules) > 1:
        runs.append(("without all of them", frozenset(rules)))
    rows = []
    for label, off in runs:
        pred = reextract(conn, reports, ExtractConfig(disabled=off))
        s = score(pred, gold.facts, headline_only=gold.headline_only)
        rows.append({"run": label, "headline_f1": round(s["headline_lenient"].f1, 4),
                     "all_f1": round(s["all_facts"].f1, 4), "facts": len(pred)})
    return rows
