"""Ingest as a hostile tester runs it: files that hang, blow up, are not files, have
hostile names or lie about their place; two ingests at once; Ctrl-C; kill -9. Every
case goes through the real `huibian` command beside good files, which must be stored."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import huibian
from huibian.read.names import escape_name, printable, unescape_name
from tests.conftest import SHARED

REPORTS = SHARED / "corpus" / "reports"
BOOK = SHARED / "corpus" / "books" / "000_a4dd6afc1d6d7e9f.txt"
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}

# The real command with one change: the per-file pipeline hangs on files named *hang*.
# The machinery under test (worker processes, the time limit, Ctrl-C) is the real one;
# only the hang is simulated, since no real file may hang the pipeline.
HOOKED = """
import sys, time
import huibian.pipeline as pipeline
real = pipeline.process_file
def process_file(path, options=pipeline.Options()):
    name = str(path).rsplit("/", 1)[-1]
    if "hang" in name:
        time.sleep(3600)
    if "hog" in name:
        hoard = [bytearray(32 * 2**20) for _ in range(256)]  # 8 GB of address space
    return real(path, options)
pipeline.process_file = process_file
from huibian.cli import main
sys.argv[0] = "huibian"
main()
"""


def run(*args: str, hooked: bool = False, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", HOOKED] if hooked else [sys.executable, "-m", "huibian"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=ENV, timeout=timeout)


def start(*args: str, hooked: bool = False) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-c", HOOKED] if hooked else [sys.executable, "-m", "huibian"]
    return subprocess.Popen([*cmd, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            start_new_session=True)


def line_about(stderr: str, name: str) -> str:
    lines = [ln for ln in stderr.splitlines() if name in ln]
    assert len(lines) == 1, stderr
    return lines[0]


def ids(db: Path) -> set[str]:
    return set(huibian.open(db, readonly=True).reports()["id"])


@pytest.fixture
def good(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(REPORTS / "辽宁-辽宁省-2012.txt", d / "辽宁-辽宁省-2012.txt")
    shutil.copy(REPORTS / "辽宁-辽宁省-2013.txt", d / "辽宁-辽宁省-2013.txt")
    return d


def test_fifo_socket_and_device_links_are_refused_without_hanging(good: Path, tmp_path: Path) -> None:
    import socket

    os.mkfifo(good / "pipe.txt")
    os.symlink("/dev/zero", good / "zero.txt")
    os.symlink(good / "pipe.txt", good / "link-to-pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(good / "sock.txt"))
    db = tmp_path / "h.db"
    # named directly, not through the folder, too: the hang was in the main process
    r = run("ingest", str(good), str(good / "pipe.txt"), "--db", str(db), timeout=60)
    sock.close()
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "a named pipe (FIFO)" in line_about(r.stderr, "/pipe.txt:")
    assert "a character device (through a symbolic link)" in line_about(r.stderr, "zero.txt")
    assert "a named pipe (FIFO) (through a symbolic link)" in line_about(r.stderr, "link-to-pipe.txt")
    assert "a socket" in line_about(r.stderr, "sock.txt")
    assert ids(db) == {"辽宁省-2012", "辽宁省-2013"}


def test_any_file_name_is_stored_losslessly_and_shown_escaped(good: Path, tmp_path: Path) -> None:
    raw = os.fsdecode(b"\xff\xfe\xb3\xa4-2014.txt")  # not UTF-8 (GBK bytes of a name)
    ansi = "\x1b[31m红\x1b[0m\n.txt"  # an ANSI colour escape and a newline in the name
    markup = "[bold]x[b] [red].txt"  # rich markup: must show as written, and not crash the table
    shutil.copy(REPORTS / "辽宁-辽宁省-2014.txt", good / raw)
    shutil.copy(REPORTS / "辽宁-辽宁省-2015.txt", good / ansi)
    shutil.copy(REPORTS / "辽宁-辽宁省-2016.txt", good / markup)
    (good / "\x1b]0;owned\x07.txt").write_bytes(b"")  # a failure whose name would retitle the terminal
    db = tmp_path / "h.db"
    r = run("ingest", str(good), "--db", str(db))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert "\x1b" not in r.stdout + r.stderr and "\x07" not in r.stderr
    assert "\\x1b]0;owned\\x07.txt: empty file" in r.stderr
    assert "\\x1b[31m红\\x1b[0m\\x0a.txt" in r.stdout and markup in r.stdout and "\\xff\\xfe\\xb3\\xa4-2014.txt" in r.stdout
    assert ids(db) == {f"辽宁省-{y}" for y in range(2012, 2017)}
    store = sqlite3.connect(db)
    stored = {p for (p,) in store.execute("SELECT path FROM files WHERE status = 'ok'")}
    assert {os.fsencode(unescape_name(p)) for p in stored} == {os.fsencode(str(p)) for p in good.iterdir()
                                                               if p.stat().st_size}
    source = store.execute("SELECT source FROM reports WHERE id = '辽宁省-2014'").fetchone()[0]
    assert Path(unescape_name(source)).read_bytes() == (REPORTS / "辽宁-辽宁省-2014.txt").read_bytes()
    again = run("ingest", str(good), "--db", str(db))  # the escaped key finds the file again
    assert "unchanged: 5" in again.stdout


def test_name_escaping_round_trips_and_keeps_ordinary_names() -> None:
    for name in ("锦州市 2012 (终稿).txt", "a\\xff.txt", os.fsdecode(b"\xff\\x\x00\x1b\xc2\x85"), "\u202etxt.exe"):
        assert unescape_name(escape_name(name)) == name and escape_name(name).isprintable()
    assert escape_name("锦州市 2012 (终稿).txt") == "锦州市 2012 (终稿).txt"
    assert escape_name("a\\xff") != escape_name(os.fsdecode(b"a\xff"))  # a backslash is escaped too
    assert printable("bad \x1b[2J name") == "bad \\x1b[2J name"


def test_a_file_that_hangs_is_given_up_alone_even_when_it_is_the_only_file(good: Path, tmp_path: Path) -> None:
    shutil.copy(REPORTS / "辽宁-辽宁省-2014.txt", good / "hang.txt")
    db = tmp_path / "h.db"
    t0 = time.monotonic()
    r = run("ingest", str(good), "--db", str(db), "--timeout", "3", "--workers", "2", hooked=True, timeout=120)
    assert r.returncode == 1 and time.monotonic() - t0 < 60
    assert "gave up after 3 s" in line_about(r.stderr, "hang.txt")
    assert ids(db) == {"辽宁省-2012", "辽宁省-2013"}
    single = run("ingest", str(good / "hang.txt"), "--db", str(tmp_path / "one.db"), "--timeout", "2",
                 "--workers", "1", hooked=True, timeout=60)
    assert single.returncode == 1 and "gave up after 2 s" in line_about(single.stderr, "hang.txt")


def test_a_file_over_the_memory_limit_fails_alone(good: Path, tmp_path: Path) -> None:
    shutil.copy(REPORTS / "辽宁-辽宁省-2014.txt", good / "hog.txt")
    db = tmp_path / "h.db"
    for workers in ("1", "2"):
        r = run("ingest", str(good), "--db", str(db), "--max-memory", "300", "--workers", workers, hooked=True)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        assert "out of memory" in line_about(r.stderr, "hog.txt")
        assert ids(db) == {"辽宁省-2012", "辽宁省-2013"}


def test_pathological_text_is_skipped_as_damage_and_the_rest_of_the_report_kept(tmp_path: Path) -> None:
    """The issue's file: a report whose body holds 地区生产总值增长 + 5%、×20,000 (44 s and
    2.3 GB before) and a run of 200,000 digits before %."""
    text = (REPORTS / "辽宁-辽宁省-2013.txt").read_text(encoding="utf-8")
    cut = text.index("\n", len(text) // 2)
    damaged = text[:cut] + "\n地区生产总值增长" + "5%、" * 20000 + "。\n增长" + "1" * 200_000 + "%。" + text[cut:]
    path = tmp_path / "辽宁-辽宁省-2013.txt"
    path.write_text(damaged, encoding="utf-8")
    db = tmp_path / "h.db"
    t0 = time.monotonic()
    r = run("ingest", str(path), str(REPORTS / "辽宁-辽宁省-2012.txt"), "--db", str(db), "--workers", "1")
    assert r.returncode == 0 and time.monotonic() - t0 < 60, r.stderr
    notes = [ln for ln in r.stderr.splitlines() if ln.startswith("note:")]
    assert any("a sentence with 20000 numbers" in n for n in notes), r.stderr
    assert any("a run of 200000 digits" in n for n in notes), r.stderr
    store = huibian.open(db, readonly=True)
    clean = huibian.open(tmp_path / "clean.db")
    clean.ingest([REPORTS / "辽宁-辽宁省-2013.txt"], workers=1)
    key = ["indicator", "period", "kind", "measure", "value"]
    got = store.facts(report="辽宁省-2013")[key].astype(str).values.tolist()
    want = clean.facts(report="辽宁省-2013")[key].astype(str).values.tolist()
    assert got == want  # every fact of the real text, none from the damage
    assert "5%、5%、5%" in store.text("辽宁省-2013")  # the text itself is kept as it was


def test_region_and_year_options_never_relabel_a_report_that_names_its_own(tmp_path: Path) -> None:
    headless = tmp_path / "notes.txt"  # names neither its place nor its year
    body = BOOK.read_text(encoding="utf-8")
    headless.write_text(body[body.index("2011年是古塔区实施") : body.index("（一）老城区改造成果显著")], encoding="utf-8")
    db = tmp_path / "h.db"
    r = run("ingest", str(REPORTS / "上海-上海市-2018.txt"), str(headless), "--db", str(db),
            "--region", "古塔区", "--year", "2012")
    assert r.returncode == 0, r.stderr
    assert ids(db) == {"上海市-2018", "古塔区-2012"}  # the option filled in the headless file only
    notes = [ln for ln in r.stderr.splitlines() if ln.startswith("note:")]
    assert notes == [f"note: {REPORTS}/上海-上海市-2018.txt: 上海市-2018: --region 古塔区 not applied: the text names 上海市",
                     f"note: {REPORTS}/上海-上海市-2018.txt: 上海市-2018: --year 2012 not applied: the text gives 2018"]


def test_a_second_ingest_waits_for_the_first_or_refuses_at_once(good: Path, tmp_path: Path) -> None:
    shutil.copy(REPORTS / "辽宁-辽宁省-2014.txt", good / "hang.txt")
    db = tmp_path / "new.db"  # a brand-new store: the two used to race creating its tables
    first = start("ingest", str(good), "--db", str(db), "--timeout", "6", "--workers", "1", hooked=True)
    try:
        deadline = time.monotonic() + 30
        while not Path(f"{db}-lock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        refused = run("ingest", str(REPORTS / "辽宁-辽宁省-2015.txt"), "--db", str(db), "--no-wait")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert f"another ingest (pid {first.pid}) is writing to {db}" in refused.stderr
        waited = run("ingest", str(REPORTS / "辽宁-辽宁省-2015.txt"), "--db", str(db), timeout=120)
        assert first.poll() is not None  # it could only go in after the first was done
        assert waited.returncode == 0 and "Traceback" not in waited.stderr, waited.stderr
        assert "waiting:" in waited.stderr and "to finish" in waited.stderr
    finally:
        first.kill()
        first.wait()
    assert first.returncode == 1 and "hang.txt" in first.stderr.read()
    assert ids(db) == {"辽宁省-2012", "辽宁省-2013", "辽宁省-2015"}
    assert not Path(f"{db}-lock").exists()  # the lock file goes with its holder


def test_two_writers_opening_a_brand_new_store_at_once_never_trace(tmp_path: Path) -> None:
    procs = [start("ingest", str(REPORTS / f"辽宁-辽宁省-{y}.txt"), "--db", str(tmp_path / "race.db"))
             for y in (2012, 2013, 2014)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert all("Traceback" not in err for _, err in outs)
    assert ids(tmp_path / "race.db") == {"辽宁省-2012", "辽宁省-2013", "辽宁省-2014"}


def test_ctrl_c_stops_the_workers_and_exits_130_with_the_store_consistent(good: Path, tmp_path: Path) -> None:
    (good / "later").mkdir()  # a folder's own files come before its subfolders'
    shutil.copy(REPORTS / "辽宁-辽宁省-2014.txt", good / "later" / "hang.txt")
    db = tmp_path / "h.db"
    proc = start("ingest", str(good), "--db", str(db), "--workers", "1", hooked=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # until the good files are stored and the worker hangs
        time.sleep(0.2)
        try:
            n = sqlite3.connect(db).execute("SELECT count(*) FROM files").fetchone()[0]
        except sqlite3.Error:
            continue
        if n == 2:
            break
    children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert children  # the worker
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C goes to the whole foreground process group
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and time.monotonic() - t0 < 5, err  # about 0.5 s on a quiet machine
    assert "Traceback" not in err and "interrupted" in err
    for pid in children:  # no worker left behind
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert ids(db) == {"辽宁省-2012", "辽宁省-2013"}
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = run("ingest", str(good), "--db", str(db), "--workers", "1")  # no hang this time: goes on
    assert again.returncode == 0 and "unchanged: 2" in again.stdout and "added: 1" in again.stdout


def test_kill_9_mid_ingest_then_rerun_gives_the_same_store(tmp_path: Path) -> None:
    files = [BOOK] + sorted(REPORTS.glob("辽宁-*.txt"))[:12]
    ref = tmp_path / "ref.db"
    assert run("ingest", *map(str, files), "--db", str(ref), "--workers", "1").returncode == 0
    db = tmp_path / "h.db"
    proc = start("ingest", *map(str, files), "--db", str(db), "--workers", "1")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # kill it once part of the files is committed
        time.sleep(0.1)
        try:
            if sqlite3.connect(db).execute("SELECT count(*) FROM files").fetchone()[0] >= 2:
                break
        except sqlite3.Error:
            continue
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    # the killed ingest's lock file may be left, but the kernel released its lock: no wait
    r = run("ingest", *map(str, files), "--db", str(db), "--workers", "1", "--no-wait")
    assert r.returncode == 0, r.stderr

    def dump(path: Path) -> list[tuple]:
        c = sqlite3.connect(path)
        rows = c.execute("SELECT id, content_hash, text, offsets, repairs, warnings FROM reports ORDER BY id").fetchall()
        facts = c.execute("SELECT report_id, seq, indicator, value, quote, start FROM facts ORDER BY report_id, seq")
        return rows + facts.fetchall()

    assert dump(db) == dump(ref)
    assert huibian.open(db, readonly=True).search("光伏").attrs["total"] == huibian.open(ref, readonly=True).search(
        "光伏").attrs["total"]


def test_unreadable_file_gets_its_own_line_and_a_copy_is_a_duplicate(good: Path, tmp_path: Path) -> None:
    os.symlink("/proc/self/mem", good / "unreadable.txt")  # a regular file whose first read fails, even for root
    db = tmp_path / "h.db"
    r = run("ingest", str(good), "--db", str(db))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "cannot read: Input/output error" in line_about(r.stderr, "unreadable.txt")
    shutil.copy(REPORTS / "辽宁-辽宁省-2012.txt", good / "copy-of-2012.txt")  # a new file, reports already stored
    again = run("ingest", str(good), "--db", str(db))
    row = next(ln for ln in again.stdout.splitlines() if "copy-of-2012.txt" in ln)
    assert "duplicate" in row and "unchanged" not in row and "辽宁省-2012" in row
    assert "same text as 辽宁省-2012, already stored from" in again.stdout.replace("│", "").replace("\n", "")
    assert "duplicate: 1" in again.stdout and "unchanged: 2" in again.stdout


def test_processes_opening_one_brand_new_store_at_once_all_get_it(tmp_path: Path) -> None:
    """Without the ingest lock (the Python API opens before it ingests): the schema is
    created once, and the others see it, instead of `table files already exists`."""
    code = ("import sys, time, huibian\n"
            "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"
            "db = huibian.open(sys.argv[1]); print(len(db.reports()))\n")
    go = str(time.time() + 1.5)  # all start their open at the same moment
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "new.db"), go], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, outs
    assert [o.strip() for o, _ in outs] == ["0"] * 6
