"""Text measures (huibian measures, kwic) on real corpus reports.

The expected term counts are NOT computed by huibian's counting path (jieba
segmentation, candidate filtering, longest match). They come from a different method:
the report text NFKC-normalised as a whole with `unicodedata.normalize`, each term
counted with plain `str.count`, and then the occurrences that the counting rules
exclude subtracted by hand, each one read in the text and listed below with its
context. No environment term is a substring of another (环保 is not in 环境保护), so
str.count needs no overlap resolution for that dictionary.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

import huibian
from huibian.measures import count, load
from huibian.measures.text import ALL, base_tokenizer, fold, is_word, roles_of, term_tokenizer
from tests.conftest import SHARED

REPORTS = SHARED / "corpus" / "reports"
FIVE = {  # national, province-level city, province, city, county
    "全国-2014": "国务院-全国-2014.txt",
    "北京市-2012": "北京-北京市-2012.txt",
    "河南省-2021": "河南-河南省-2021.txt",
    "佛山市-2016": "广东-佛山市-2016.txt",
    "高唐县-2021": "山东-高唐县-2021.txt",
}
# occurrences a plain str.count finds that the rules do not count, read by hand
EXCLUDED = {
    # 强化对耗能耗水和污染排放重点单位: jieba cuts 耗能|耗水, so 能耗 is two words' halves
    ("北京市-2012", "能耗"): 1,
}
# occurrences the rules count although jieba cut into the term (one end on a word
# boundary): listed to show they are counted on purpose, so nothing is subtracted
COUNTED_ON_PURPOSE = {
    ("佛山市-2016", "低碳"): "发展低碳循环经济 (jieba: 低|碳循环)",
    ("河南省-2021", "低碳"): "绿色低碳循环发展 (低|碳循环); also 降低碳排放 (降低|碳) — a known false positive",
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "huibian", *args], capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("measures") / "m.db"
    with huibian.open(path) as d:
        summary = d.ingest([REPORTS / f for f in FIVE.values()], workers=1)
        assert summary.ok
    return path


def independent_counts(text: str, terms: tuple[str, ...], rid: str) -> dict[str, int]:
    norm = unicodedata.normalize("NFKC", text)
    return {t: norm.count(t) - EXCLUDED.get((rid, t), 0) for t in terms}


def test_environment_counts_match_an_independent_count_on_five_reports(db: Path) -> None:
    env = load("environment")
    with huibian.open(db) as d:
        df = d.measures("environment")
        texts = {rid: d.text(rid) for rid in FIVE}
    assert sorted(df["report"]) == sorted(FIVE)  # a row per report
    assert set(df["dictionary"]) == {"environment"}
    for _, row in df.iterrows():
        expected = independent_counts(texts[row["report"]], env.terms, row["report"])
        got = {t: int(row[t]) for t in env.terms}
        assert got == expected, row["report"]
        assert row["total"] == sum(expected.values())
        assert row["per_word"] == pytest.approx(row["total"] / row["words"])
        assert row["per_10k_chars"] == pytest.approx(row["total"] * 10000 / row["chars"])
        assert row["chars"] == sum(1 for c in texts[row["report"]] if not c.isspace())
    # the national report of 2014 names both particulate measures
    q = df[df["report"] == "全国-2014"].iloc[0]
    assert q["PM2.5"] >= 1 and q["PM10"] >= 1
    for rid, term in COUNTED_ON_PURPOSE:
        assert df[df["report"] == rid].iloc[0][term] == unicodedata.normalize("NFKC", texts[rid]).count(term)


def test_word_count_is_jieba_with_the_terms_added(db: Path) -> None:
    """The cached path (default cut once, dictionary blocks re-cut) equals a full jieba cut
    with the terms in the dictionary, and stays within 0.2% of jieba.add_word's own count."""
    import jieba

    env = load("environment")
    with huibian.open(db) as d:
        df = d.measures("environment").set_index("report")
        for rid in ("北京市-2012", "高唐县-2021"):
            norm = fold(d.text(rid))
            full = sum(1 for w in term_tokenizer(env.terms).cut(norm) if is_word(w))
            assert df.loc[rid, "words"] == full
            tok = jieba.Tokenizer()
            tok.initialize()
            for t in env.terms:
                tok.add_word(t)  # the public API (which also raises jieba's total)
            plain = sum(1 for w in tok.cut(norm) if is_word(w))
            assert abs(plain - full) / full < 0.002
            default = sum(1 for w in base_tokenizer().cut(norm) if is_word(w))
            assert abs(default - full) < 40  # the terms change little: 环境保护 one word, not two


def test_longest_match_and_boundaries_on_corpus_sentences() -> None:
    # 工业互联网 holds 互联网: it counts once, as the longer term
    s = "加快工业互联网平台建设，发展互联网经济。"
    tc = count.dictionary_pass(s, roles_of([], len(s)), ("互联网", "工业互联网"))
    assert tc.counts[ALL] == {"工业互联网": 1, "互联网": 1}
    assert [s[a:b] for a, b, _ in tc.matches] == ["工业互联网", "互联网"]
    # 民生 in 人民|生活 is two words' halves; in 惠民|生 (惠民生) it is the term
    s = "提高人民生活水平。稳增长、惠民生、防风险。保障和改善民生。"
    tc = count.dictionary_pass(s, roles_of([], len(s)), ("民生",))
    assert [a for a, _b, _ in tc.matches] == [s.index("惠民生") + 1, s.index("改善民生") + 2]
    # full-width = half-width: a full-width ＰＭ２．５ in the text and in the term
    s = "细颗粒物（ＰＭ２.５）平均浓度下降4.8%。"
    tc = count.dictionary_pass(s, roles_of([], len(s)), (fold("ＰＭ２.５"),))
    assert tc.counts[ALL] == {"PM2.5": 1}
    a, b, _ = tc.matches[0]
    assert s[a:b] == "ＰＭ２.５"  # offsets into the text as stored


def test_counting_stays_linear_on_crafted_text() -> None:
    """200,000 characters jieba cannot place, every position a candidate: jieba's own HMM
    step is quadratic on such a run (a minute here); cut in pieces it takes seconds."""
    s = "污" * 100_000
    roles = roles_of([], len(s))
    base = count.base_pass(s, roles)
    assert base[ALL][0] == 100_000 and base[ALL][1] > 0
    tc = count.dictionary_pass(s, roles, ("污污", "污污污"))
    ends = [(a, b) for a, b, _ in tc.matches]
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(ends, ends[1:], strict=False))  # no overlaps
    assert 100_000 // 3 <= len(ends) <= 100_000 // 3 + 100_000 // 200  # + a 污污 per 200-character piece


def test_by_role_adds_up_to_the_report(db: Path) -> None:
    with huibian.open(db) as d:
        whole = d.measures("environment").set_index("report")
        roles = d.measures("environment", by="role")
        secs = d.sections("河南省-2021")
    assert set(roles["role"]) <= {"front", "review", "problems", "targets", "tasks", "other"}
    assert {"review", "tasks"} <= set(roles["role"])
    sums = roles.groupby("report")[["chars", "words", "total", "生态", "污染"]].sum()
    for col in sums.columns:
        assert (sums[col] == whole.loc[sums.index, col]).all(), col
    # a role's counts are those of its sections' text: the review part by hand
    r = roles[(roles["report"] == "河南省-2021") & (roles["role"] == "review")].iloc[0]
    with huibian.open(db) as d:
        text = unicodedata.normalize("NFKC", d.text("河南省-2021"))
    review = secs[(secs["role"] == "review") & secs["parent"].isna()]
    part = "".join(text[s:e] for s, e in zip(review["start"], review["end"], strict=True))
    assert r["生态"] == part.count("生态")
    only = load("environment")
    tasks = d_measures_roles(db, ["tasks"])
    assert set(tasks["role"]) == {"tasks"} and len(only.terms) > 0


def d_measures_roles(db: Path, roles: list[str]) -> pd.DataFrame:
    with huibian.open(db) as d:
        return d.measures("environment", roles=roles)


def test_counts_are_cached_in_the_store_and_follow_a_replaced_report(db: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    with huibian.open(copy) as d:
        d.measures("environment", report="高唐县-2021")
        n_words = d.conn.execute("SELECT count(*) FROM measure_words WHERE report_id = '高唐县-2021'").fetchone()[0]
        n_counts = d.conn.execute("SELECT count(*) FROM measure_counts WHERE report_id = '高唐县-2021'").fetchone()[0]
        assert n_words >= 3 and n_counts == n_words  # the whole report and each role
        # the second query reads the cache: a (deliberately) altered cached count shows through
        d.conn.execute(
            "UPDATE measure_counts SET counts = '{\"生态\": 999}' WHERE report_id = '高唐县-2021' AND role = ''"
        )
        d.conn.commit()
    with huibian.open(copy) as d:
        assert d.measures("environment", report="高唐县-2021").iloc[0]["生态"] == 999
        d.conn.execute("DELETE FROM reports WHERE id = '高唐县-2021'")  # what a re-ingest with --replace does
        d.conn.commit()
        assert d.conn.execute("SELECT count(*) FROM measure_counts WHERE report_id = '高唐县-2021'").fetchone()[0] == 0


def test_measures_join_the_panel_on_region_and_year(db: Path) -> None:
    with huibian.open(db) as d:
        m = d.measures("environment")
        p = d.panel()
    assert len(p)
    joined = p.merge(m, on=["region", "year"], suffixes=("", "_m"))
    assert len(joined) and set(joined["region"]) <= set(m["region"])
    assert (joined["admin_code"] == joined["admin_code_m"]).all()


def test_builtin_dictionaries_state_their_source() -> None:
    from huibian.measures import builtins

    ds = {d.name: d for d in builtins()}
    assert {"environment", "innovation", "digital", "employment", "livelihood", "debt_risk"} <= set(ds)
    env = ds["environment"]
    assert env.terms == ("环境保护", "环保", "污染", "能耗", "减排", "排污", "生态", "绿色", "低碳", "空气",
                         "化学需氧量", "二氧化硫", "二氧化碳", "PM10", "PM2.5")
    assert "陈诗一" in env.source["citation"] and "经济研究" in env.source["citation"] and not env.own
    for name, d in ds.items():
        assert d.source.get("citation"), name
        if name != "environment":
            assert d.own and "own" in d.source["citation"], name  # said plainly


# -- a user's dictionary, end to end ---------------------------------------------------------------
def test_user_dictionary_cli_api_and_web(db: Path, tmp_path: Path) -> None:
    mine = tmp_path / "air.txt"
    mine.write_text("# air quality words\n空气\n蓝天\nＰＭ２.５\n", encoding="utf-8")
    out = tmp_path / "air.csv"
    r = run("measures", "--db", str(db), "--dict", str(mine), "--dict", "environment", "-f", "csv", "-o", str(out), "-q")
    assert r.returncode == 0, r.stderr
    csv = pd.read_csv(out)
    assert sorted(set(csv["dictionary"])) == ["air", "environment"]
    assert len(csv) == 2 * len(FIVE)
    air = csv[csv["dictionary"] == "air"].set_index("report")
    with huibian.open(db) as d:
        api = d.measures(mine).set_index("report")
        for rid in FIVE:
            norm = unicodedata.normalize("NFKC", d.text(rid))
            assert air.loc[rid, "PM2.5"] == api.loc[rid, "PM2.5"] == norm.count("PM2.5")
            assert api.loc[rid, "蓝天"] == norm.count("蓝天")
    # YAML form, with its own name
    y = tmp_path / "air.yaml"
    y.write_text("name: air_quality\nsource: {citation: my own}\nterms: [空气, 蓝天]\n", encoding="utf-8")
    with huibian.open(db) as d:
        assert set(d.measures(y)["dictionary"]) == {"air_quality"}
    # the web: the same terms typed into the measures page
    from fastapi.testclient import TestClient

    from huibian.web import create_app

    client = TestClient(create_app(db))
    page = client.get("/measures", params={"places": "河南省,北京市", "terms": "空气\n蓝天\nＰＭ２.５"})
    assert page.status_code == 200
    rows = client.get("/api/measures", params={"places": "河南省", "terms": "空气\n蓝天\nＰＭ２.５"}).json()
    assert rows[0]["dictionary"] == "custom" and rows[0]["PM2.5"] == api.loc["河南省-2021", "PM2.5"]
    body = client.get("/measures.csv", params={"places": "北京市", "terms": "空气,蓝天"}).text
    assert body.splitlines()[0].endswith("空气,蓝天") and "北京市-2012" in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no terms"),
        ("blank.txt", b"\n  \n# only a comment\n", "no terms"),
        ("gbk.txt", "环保\n污染\n生态环境\n".encode("gb18030"), "not UTF-8"),
        ("dup.txt", "环保\n污染\n环保\n".encode(), "环保 appears twice, line 1 and line 3"),
        ("width.txt", "PM2.5\nＰＭ２.５\n".encode(), "full-width = half-width"),
        ("binary.txt", b"\x00\x01\x02binary\x00", "binary"),
        ("bad.yaml", b"terms: [a, b\n", "not valid YAML"),
        ("noterms.yaml", b"name: x\nwords: [a]\n", "no `terms:` list"),
        ("column.txt", b"year\n", "name of an output column"),
    ],
)
def test_bad_dictionaries_get_a_clear_message(db: Path, tmp_path: Path, name: str, content: bytes, message: str) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(huibian.measures.DictionaryError, match=message.replace(".", r"\.").replace("`", ".")):
        load(f)
    if name not in ("empty.txt", "gbk.txt", "dup.txt", "bad.yaml"):
        return  # the CLI prints the same message: checked on four of them (each run starts Python)
    r = run("measures", "--db", str(db), "--dict", str(f), "-q")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    line = r.stderr.strip()
    assert line.startswith("error:") and str(f) in line and message in line and len(line.splitlines()) <= 2


def test_unknown_dictionary_names_the_built_ins(db: Path) -> None:
    r = run("measures", "--db", str(db), "--dict", "enviroment")
    assert r.returncode == 1 and "environment" in r.stderr and "Traceback" not in r.stderr


def test_bad_web_terms_are_400(db: Path) -> None:
    from fastapi.testclient import TestClient

    from huibian.web import create_app

    client = TestClient(create_app(db))
    r = client.get("/api/measures", params={"terms": "环保\n环保"})
    assert r.status_code == 400 and "appears twice" in r.json()["detail"]
    assert client.get("/measures", params={"dict": "nope"}).status_code == 400
    assert client.get("/measures", params={"scale": "per_page"}).status_code == 400


# -- formats and kwic ----------------------------------------------------------------------------------
def test_formats_stata_parquet_jsonl(db: Path, tmp_path: Path) -> None:
    dta, pq = tmp_path / "m.dta", tmp_path / "m.parquet"
    assert run("measures", "--db", str(db), "-d", "environment", "-d", "digital", "-f", "dta", "-o", str(dta), "-q").returncode == 0
    s = pd.read_stata(dta)
    assert {"PM2_5", "_5G", "per_10k_chars", "admin_code"} <= set(s.columns)
    from pandas.io.stata import StataReader

    with StataReader(dta) as rd:
        assert rd.variable_labels()["PM2_5"] == "count of PM2.5"
    assert run("measures", "--db", str(db), "-f", "parquet", "-o", str(pq), "-q").returncode == 0
    assert len(pd.read_parquet(pq)) == len(FIVE)
    r = run("measures", "--db", str(db), "-d", "environment", "-d", "digital", "-f", "jsonl", "-q")
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(rows) == 2 * len(FIVE)
    env_row = next(x for x in rows if x["dictionary"] == "environment")
    assert env_row["5G"] is None and isinstance(env_row["生态"], int)


def test_kwic_lists_the_counted_occurrences_with_links(db: Path) -> None:
    with huibian.open(db) as d:
        m = d.measures("environment").set_index("report")
        k = d.kwic("能耗", report="北京市-2012", words=5)
        text = d.text("北京市-2012")
    assert len(k) == m.loc["北京市-2012", "能耗"]  # the same occurrences the measure counts
    for _, row in k.iterrows():
        assert text[row["start"] : row["end"]] == "能耗" == row["match"]
        assert row["role"] in ("front", "review", "problems", "targets", "tasks", "other")
        assert text[: row["start"]].replace("\n", " ").endswith(row["left"].replace("\n", " ").split(" ")[-1])
        assert row["link"] == f"/reports/%E5%8C%97%E4%BA%AC%E5%B8%82-2012?at={row['start']}-{row['end']}#at"
    assert "耗能耗水" not in "".join(k["left"] + k["match"] + k["right"])  # the excluded one is not listed
    with huibian.open(db) as d:
        x = d.kwic("能耗", report="北京市-2012", excluded=True)  # ...but is, with its reason, here
    assert len(x) == EXCLUDED[("北京市-2012", "能耗")]
    assert x.iloc[0]["reason"] == "cuts into two words (耗能|耗水)"
    assert text[x.iloc[0]["start"] - 1 : x.iloc[0]["end"] + 1] == "耗能耗水"
    # the link opens the reader at that occurrence
    from fastapi.testclient import TestClient

    from huibian.web import create_app

    client = TestClient(create_app(db))
    page = client.get(k.iloc[0]["link"].split("#")[0]).text
    assert '<span class="hit t0 at" id="at">能耗</span>' in page
    # the CLI twin, with absolute links
    r = run("kwic", "能耗", "--db", str(db), "--region", "北京市", "-f", "csv")
    assert r.returncode == 0, r.stderr
    cli = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert list(cli["start"]) == list(k["start"]) and cli["link"].str.startswith("http://127.0.0.1:8000/reports/").all()
    r = run("kwic", "--db", str(db), "--dict", "environment", "--region", "高唐县", "--limit", "5")
    assert r.returncode == 0 and "5 occurrence(s)" in r.stdout
