"""The resolve stage: names → GB/T 2260 divisions as of the report year, linked to today's."""

from __future__ import annotations

import csv

import pytest

from huibian.models import ReportMeta
from huibian.resolve import annotate, children_of, resolve, resolve_report, resolve_scope
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"


def _report(region: str, year: int, *, level: str | None = None, file: str | None = None) -> ReportMeta:
    """A report's metadata as split gives it: its region, year, level and file (under corpus/)."""
    source = str(CORPUS / file) if file else None
    return ReportMeta(id=f"{region}-{year}", region=region, year=year, start=0, end=0, level=level, source=source)


def test_renamed_county_resolves_as_it_was_and_links_to_today() -> None:
    before = resolve("徐水县", 2013)
    after = resolve("徐水区", 2018)
    assert (before.status, before.code, before.kind, before.level) == ("ok", "130625", "county", "county")
    assert (after.code, after.kind, after.level) == ("130609", "district", "district")
    assert [c.code for c in before.current] == ["130609"]
    assert [a.name for a in before.chain] == ["全国", "河北省", "保定市"]


@pytest.mark.parametrize(
    ("name", "year", "code", "today"),
    [
        ("襄樊市", 2008, "420600", "襄阳市"),  # renamed 2010, same code
        ("锦西市", 1992, "211400", "葫芦岛市"),  # renamed 1994, same code
        ("莱芜市", 2015, "371200", "济南市"),  # merged into 济南 2019 (changes.yaml)
        ("清苑县", 2003, "130622", "清苑区"),
    ],
)
def test_changed_places(name: str, year: int, code: str, today: str) -> None:
    res = resolve(name, year)
    assert res.status == "ok" and res.code == code
    assert [c.name for c in res.current] == [today]


def test_county_level_city_is_county_level() -> None:
    res = resolve("凌海市", 2012)
    assert (res.code, res.kind, res.level) == ("210781", "county_city", "county")
    assert res.parent is not None and res.parent.name == "锦州市"


def test_shared_names_are_settled_by_a_parent_or_flagged() -> None:
    res = resolve("朝阳区", 2015)
    assert res.status == "ambiguous" and res.code is None
    assert {c.code for c in res.candidates} == {"110105", "220104"}
    assert "110105" in res.reason and "220104" in res.reason
    assert resolve("朝阳区", 2015, parent="北京").code == "110105"
    assert resolve("朝阳区", 2015, parent="长春市").code == "220104"
    assert resolve("铁西区", 2012, parent=["辽宁", "鞍山"]).code == "210303"


def test_shared_name_settled_by_the_text_only_when_one_parent_is_named() -> None:
    text = (CORPUS / "reports" / "辽宁-沈阳市-2012.txt").read_text(encoding="utf-8")
    assert "铁西区" in text and "沈阳市" in text and "鞍山市" not in text
    assert resolve("铁西区", 2012, text=text).code == "210106"
    both = text + "鞍山市"
    assert resolve("铁西区", 2012, text=both).status == "ambiguous"


def test_short_names_and_level_hint() -> None:
    assert resolve("保定", 2014).code == "130600"
    assert resolve("内蒙古", 2018).code == "150000"
    assert resolve("吉林", 2020).status == "ambiguous"  # 吉林省 / 吉林市
    assert resolve("吉林", 2020, level="city").code == "220200"
    assert resolve("吉林", 2020, level="province").code == "220000"


def test_unknown_name_says_why() -> None:
    res = resolve("龙栖湾新区", 2012)
    assert res.status == "unknown" and "龙栖湾新区" in res.reason


def test_nation() -> None:
    res = resolve("全国", 2012)
    assert (res.code, res.level) == ("100000", "national")


def test_every_corpus_report_resolves_with_the_manifest_level() -> None:
    failures = []
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) > 400
    for r in rows:
        res = resolve_report(_report(r["region"], int(r["report_year"]), file=r["file"]))
        if res.status != "ok" or res.level != r["level"]:
            failures.append((r["file"], res.status, res.level, r["level"], res.reason))
    assert failures == []


def test_annotate_sets_code_level_parent_and_keeps_level_when_unsettled() -> None:
    meta = _report("高唐县", 2022, level="city", file="reports/山东-高唐县-2022.txt")
    out = annotate(meta)
    assert (out.admin_code, out.level, out.parent) == ("371526", "county", "聊城市")
    assert meta.admin_code is None  # a copy, not a mutation
    odd = annotate(_report("朝阳区", 2015, level="district"))
    assert odd.admin_code is None and odd.level == "district"
    assert any("ambiguous" in w for w in odd.warnings)


def test_scopes_of_the_jinzhou_report() -> None:
    """Scopes as the gold facts of 锦州市-2012 write them."""
    jz = resolve("锦州市", 2012).code
    four = resolve_scope("四县(市)", 2012, jz)
    assert four.status == "group"
    assert {d.name for d in four.divisions} == {"黑山县", "义县", "凌海市", "北镇市"}
    three = resolve_scope("古塔、凌河、太和三城区", 2012, jz)
    assert {d.name for d in three.divisions} == {"古塔区", "凌河区", "太和区"}
    assert resolve_scope("锦州港", 2012, jz).status == "none"
    assert resolve_scope("凌河流域", 2012, jz).status == "none"  # a river basin, not 凌河区
    assert resolve_scope("铁西区", 2012, resolve("沈阳市", 2012).code).divisions[0].code == "210106"


def test_children_follow_the_year() -> None:
    names_2014 = {d.name for d in children_of("130600", 2014)}
    names_2020 = {d.name for d in children_of("130600", 2020)}
    assert {"徐水县", "清苑县", "满城县"} <= names_2014
    assert {"徐水区", "清苑区", "满城区"} <= names_2020 and "徐水县" not in names_2020


def test_a_region_naming_no_division_falls_back_to_the_file_name() -> None:
    res = resolve_report(_report("县县", 2020, level="county", file="reports/河北-涞源县-2020.txt"))
    assert (res.status, res.code, res.name) == ("ok", "130630", "涞源县")
    assert any("file name" in n for n in res.notes)
    assert resolve_report(_report("县县", 2020)).status == "unknown"
