"""The columns of every linked table, declared once: name, type and label.

The tables are built from these declarations (their order and dtypes), the exports
label their variables from them (huibian/export.py), and the README documents them.
Types: `str` (text, None when missing), `int`, `float` (NaN when missing), `bool`
(nullable: met / missed / unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from huibian.models import CMPS, HORIZONS, KINDS, LEVELS, MEASURES

# why met is unknown (the `unknown` column): fixed wording, one code each in Stata
NO_REPORT = "no report for the year after"
NOT_STATED = "not stated"
MULTI_YEAR_ONLY = "only a multi-year figure"
UNITS_DIFFER = "units differ"
OTHER_BASE = "counted from another base year"
UNKNOWN_REASONS = (NO_REPORT, NOT_STATED, MULTI_YEAR_ONLY, UNITS_DIFFER, OTHER_BASE)
RELATIONS = ("parent", "child")
# the values of a text column, in order (Stata gets them as labelled numbers 1, 2 …); a column
# whose name ends in one of these keys (`last_unknown`, `other_level`) has the same values
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "level": LEVELS,
    "measure": MEASURES,
    "horizon": HORIZONS,
    "outcome_kind": KINDS,
    "cmp": CMPS,
    "unknown": UNKNOWN_REASONS,
    "relation": RELATIONS,
}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # str / int / float / bool
    label: str  # a Stata variable label: <= 80 characters


@dataclass(frozen=True)
class Table:
    """A table's columns, in order."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def of(self, dtype: str) -> list[str]:
        return [c.name for c in self.columns if c.dtype == dtype]

    def labels(self) -> dict[str, str]:
        """Variable labels, by column."""
        return {c.name: c.label for c in self.columns}

    def categories(self) -> dict[str, tuple[str, ...]]:
        """The text columns with a fixed set of values, and the values (VOCABULARIES)."""
        out = {}
        for c in self.columns:
            key = next((k for k in VOCABULARIES if c.name == k or c.name.endswith("_" + k)), None)
            if c.dtype == "str" and key is not None:
                out[c.name] = VOCABULARIES[key]
        return out

    def typed(self, df: pd.DataFrame) -> pd.DataFrame:
        """Fixed dtypes, so a part of a table (a filter) has the whole table's: a column that
        is all null (or empty) in the part would otherwise come out as object."""
        for c in self.columns:
            if c.name not in df.columns:
                continue
            if c.dtype == "bool":
                df[c.name] = df[c.name].astype("boolean")
            elif c.dtype == "float":
                df[c.name] = df[c.name].astype("float64")
            elif c.dtype == "int":
                df[c.name] = df[c.name].astype("int64")
        return df

    def finish(self, df: pd.DataFrame) -> pd.DataFrame:
        """The rows numbered from 0, and a text column with no value at all as None (object), as
        a table built row by row has it, whether the rows were cut from the whole table or
        linked alone (Stata export refuses an all-missing `str` column)."""
        df = df.reset_index(drop=True)
        floats = set(self.of("float"))
        for c in df.columns:
            if c not in floats and str(df[c].dtype) in ("str", "object", "float64") and df[c].isna().all():
                df[c] = pd.Series([None] * len(df), index=df.index, dtype=object)
        return df


def _declare(spec: str) -> dict[str, Column]:
    """Columns from lines `name dtype label…` (one declaration per line keeps them readable)."""
    out = {}
    for line in spec.strip().splitlines():
        name, dtype, label = line.split(None, 2)
        out[name] = Column(name, dtype, label)
    return out


# every column of the linked tables: a name means the same in every table that has it
COLUMNS = _declare(
    """
report str report id (region-year)
region str region name as the report gives it
year int year the figure or target is for (a plan's end year)
admin_code str GB/T 2260 division code as of the report year
name str official division name in that year
kind str division kind (county_city, district, banner ...)
level str administrative level
parent_code str parent division code in that year
parent_region str parent division name in that year
province_code str province code
province str province name
current_code str today's GB/T 2260 code of the place
current_name str today's name of the place
place str place key (today's code)
parent_place str parent place key
status str resolution status ok/ambiguous/unknown
reason str how the place was resolved, or why not
scope str part of the region covered, as written
facts int facts with this scope in the report
admin_codes str codes of the divisions the scope names
names str names of the divisions the scope names
indicator str canonical indicator id
measure str level/total/growth/avg_growth/cum_growth/change/change_pp/share/ratio
value float official statistic
unit str unit of the official statistic
source str file the statistic was loaded from
horizon str annual, or multi-year (a plan's target, a total or average over years)
span_start float first year a multi-year figure covers (. when not stated)
target_value float target as stated, in target_unit
target_value_hi float upper end of a target range, in target_unit
target_unit str unit of the target as stated
target_base float target in base_unit
target_hi_base float upper end of a target range in base_unit
base_unit str base unit of the *_base columns (元, 吨, % ...)
target_cmp str target qualifier eq/ge/le/approx/range
target_quote str sentence stating the target
target_report str report stating the target
target_fact float fact id of the target in the store
outcome_value float outcome for the year, stated in the next report, in outcome_unit
outcome_unit str unit of the outcome as stated
outcome_base float outcome in base_unit
outcome_kind str actual or estimate
outcome_quote str sentence stating the outcome
outcome_report str report stating the outcome
outcome_fact float fact id of the outcome in the store
met bool target met (1) / missed (0) / unknown (.)
gap float outcome minus target, in target_unit
unknown str why met is unknown
note str why met is unknown, in particular
official_value float official statistic loaded by the user, in target_unit
official_unit str unit of the official statistic as loaded
official_met bool target met by the official statistic
official_gap float official statistic minus target, in target_unit
claim_gap float outcome claimed minus official statistic, in target_unit
target_start int target quote start offset in its report
target_end int target quote end offset in its report
outcome_start float outcome quote start offset in its report
outcome_end float outcome quote end offset in its report
parent_target float parent's target (same year/indicator/measure/horizon), in target_unit
parent_unit str unit of the parent's target as stated
parent_base float parent's target in base_unit
parent_cmp str parent's target qualifier
diff_parent float target minus parent's target, in target_unit
children_n int children with a target in the store
children_mean float mean of the children's targets, in target_unit
children_min float lowest child target, in target_unit
children_max float highest child target, in target_unit
diff_children_mean float children's mean target minus this target, in target_unit
children str children's targets (name value)
relation str how the other place relates: parent or child
other_region str the parent's or child's region name
other_admin_code str the parent's or child's division code as of its report year
other_level str the parent's or child's administrative level
other_target_value float the parent's or child's target as stated, in other_target_unit
other_target_value_hi float upper end of the other's target range
other_target_unit str unit of the other's target as stated
other_target_base float the other's target in base_unit
other_target_cmp str the other's target qualifier
other_target_report str report stating the other's target
other_target_quote str sentence stating the other's target
escalation float lower level's target minus upper level's, in target_unit
"""
)


def _table(name: str, names: str, **labels: str) -> Table:
    """A table of the declared columns `names` (space-separated, in order); `labels` gives a
    column a label of its own in this table."""
    cols = []
    for n in names.split():
        c = COLUMNS[n]
        cols.append(Column(c.name, c.dtype, labels[n]) if n in labels else c)
    return Table(name, tuple(cols))


PLACES = _table(
    "places",
    "report region year admin_code name kind level parent_code parent_region province_code province"
    " current_code current_name place parent_place status reason",
    year="report year",
)
SCOPES = _table(
    "scopes",
    "report region year scope facts status admin_codes names reason",
    year="report year",
    status="place / group / partial / none",
    reason="how the scope was resolved, or why not",
)
STATS = _table("stats", "admin_code year indicator measure value unit source")

_TARGET = (
    " target_value target_value_hi target_unit target_base target_hi_base base_unit target_cmp"
)
TARGETS = _table(
    "targets",
    "region admin_code current_code level indicator year measure horizon span_start"
    + _TARGET
    + " target_quote target_report target_fact outcome_value outcome_unit outcome_base outcome_kind"
    " outcome_quote outcome_report outcome_fact met gap unknown note official_value official_unit"
    " official_met official_gap claim_gap target_start target_end outcome_start outcome_end",
)
LEVELS = _table(
    "levels",
    "year indicator measure horizon span_start region admin_code level"
    + _TARGET
    + " target_report parent_region parent_code parent_target parent_unit parent_base parent_cmp diff_parent"
    " children_n children_mean children_min children_max diff_children_mean children",
)
# a panel row's place: copied from its report's row in `places`
PANEL_PLACE = ["admin_code", "current_code", "region", "level", "kind", "parent_code", "parent_region",
               "province_code", "province"]
PANEL = _table(
    "panel",
    " ".join(PANEL_PLACE)
    + " year indicator measure horizon span_start"
    + _TARGET
    + " target_report target_quote target_fact outcome_value outcome_unit outcome_base outcome_kind"
    " outcome_report outcome_quote outcome_fact met gap unknown official_value official_unit",
)
# the long table of `targets --with parent,children`: a target's row once per related place
PAIRS = Table(
    "pairs",
    TARGETS.columns
    + _table(
        "other",
        "relation other_region other_admin_code other_level other_target_value other_target_value_hi"
        " other_target_unit other_target_base other_target_cmp other_target_report other_target_quote escalation",
    ).columns,
)


def wide(children: int) -> Table:
    """The wide table of `targets --with … --wide`: a target's row with its parent's target and
    its children's as child1_… childN_ columns (for Stata users)."""
    parts = {
        "region": "str region name",
        "admin_code": "str division code as of its report year",
        "level": "str administrative level",
        "target_value": "float target as stated",
        "target_value_hi": "float upper end of a target range",
        "target_unit": "str unit of the target as stated",
        "target_base": "float target in base_unit",
        "target_cmp": "str target qualifier",
        "target_report": "str report stating the target",
    }
    cols = list(TARGETS.columns)
    for who, label in [("parent", "parent"), *((f"child{i}", f"child {i}") for i in range(1, children + 1))]:
        for part, spec in parts.items():
            dtype, text = spec.split(None, 1)
            cols.append(Column(f"{who}_{part}", dtype, f"{label}: {text}"))
    cols.append(Column("children_n", "int", "children with a target in the store"))
    return Table("wide", tuple(cols))
