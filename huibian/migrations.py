"""Schema changes, in order. The store applies those it has not seen (PRAGMA user_version).

Append a new entry to MIGRATIONS to change the schema; never edit an applied one.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[str] = [
    # 1: files, reports, sections, facts
    """
    CREATE TABLE files (
        path TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        status TEXT NOT NULL,          -- ok / failed
        error TEXT,
        report_ids TEXT,               -- JSON list
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        region TEXT NOT NULL,
        parent TEXT,
        level TEXT,
        year INTEGER NOT NULL,
        date TEXT,
        meeting TEXT,
        speaker TEXT,
        post TEXT,
        title TEXT,
        source TEXT,
        source_start INTEGER,          -- span of the report in the source file's text
        source_end INTEGER,
        admin_code TEXT,
        content_hash TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,            -- cleaned text; facts and sections point into it
        source_text TEXT NOT NULL,     -- the source slice, before repair
        offsets TEXT NOT NULL,         -- JSON OffsetMap: cleaned -> source_text positions
        pages TEXT,                    -- JSON list of page start offsets in source_text
        repairs TEXT NOT NULL,         -- JSON list of Repair
        repair_counts TEXT NOT NULL,   -- JSON {kind: n}
        warnings TEXT,
        ingested_at TEXT NOT NULL
    );
    CREATE INDEX reports_region_year ON reports(region, year);
    CREATE TABLE sections (
        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        parent INTEGER,
        depth INTEGER NOT NULL,
        number TEXT NOT NULL,
        title TEXT NOT NULL,
        role TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        PRIMARY KEY (report_id, idx)
    );
    CREATE TABLE facts (
        id INTEGER PRIMARY KEY,
        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        indicator TEXT,
        name TEXT NOT NULL,
        scope TEXT NOT NULL,
        period INTEGER NOT NULL,
        base_period INTEGER,
        kind TEXT NOT NULL,
        measure TEXT NOT NULL,
        value REAL,                    -- NULL for ratio (see value_text)
        value_text TEXT,               -- the value as a string (ratios: 16:49:35)
        value_hi REAL,
        unit TEXT NOT NULL,
        cmp TEXT NOT NULL,
        quote TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        section INTEGER,
        value_base REAL,
        unit_base TEXT,
        UNIQUE (report_id, seq)
    );
    CREATE INDEX facts_report ON facts(report_id);
    CREATE INDEX facts_indicator ON facts(indicator, period);
    """,
    # 2: full-text search over character bigrams (huibian/search.py explains the scheme)
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(bi, content='', tokenize='unicode61');
    CREATE TABLE search_docs (
        docid INTEGER PRIMARY KEY AUTOINCREMENT,   -- rowid in search_fts
        report_id TEXT NOT NULL UNIQUE
    );
    CREATE TABLE search_trash (                    -- deleted reports whose tokens await removal
        docid INTEGER PRIMARY KEY,
        text TEXT NOT NULL
    );
    CREATE TRIGGER search_reports_deleted AFTER DELETE ON reports BEGIN
        INSERT OR REPLACE INTO search_trash (docid, text)
            SELECT docid, old.text FROM search_docs WHERE report_id = old.id;
        DELETE FROM search_docs WHERE report_id = old.id;
    END;
    """,
    # 3: official statistics a user loads to hold the reports' claims against (huibian/accountability.py)
    """
    CREATE TABLE official_stats (
        admin_code TEXT NOT NULL,      -- GB/T 2260 code (as of the year, or today's)
        year INTEGER NOT NULL,
        indicator TEXT NOT NULL,
        measure TEXT NOT NULL,
        value REAL NOT NULL,
        unit TEXT,
        source TEXT,                   -- the file it was loaded from
        loaded_at TEXT NOT NULL,
        PRIMARY KEY (admin_code, year, indicator, measure)
    );
    """,
    # 4: reports by source file (re-ingesting a changed file finds its old reports by index)
    """
    CREATE INDEX reports_source ON reports(source, source_start);
    """,
    # 5: the extraction rules that decided each fact (huibian show --facts --explain)
    """
    ALTER TABLE facts ADD COLUMN rules TEXT;
    """,
    # 6: text measures (huibian/measures/): word and term counts kept per report, computed once
    """
    CREATE TABLE measure_words (                   -- jieba's default cut of a report
        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        segmenter TEXT NOT NULL,       -- jieba version + counting rules version
        role TEXT NOT NULL,            -- section role; '' = the whole report
        chars INTEGER NOT NULL,        -- characters, whitespace not counted
        words INTEGER NOT NULL,        -- jieba words, jieba's own dictionary
        PRIMARY KEY (report_id, segmenter, role)
    ) WITHOUT ROWID;
    CREATE TABLE measure_counts (                  -- a dictionary's terms in a report
        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
        dictionary TEXT NOT NULL,      -- dictionary version: hash of its terms and the rules
        role TEXT NOT NULL,            -- section role; '' = the whole report
        words INTEGER NOT NULL,        -- jieba words with the dictionary's terms added
        counts TEXT NOT NULL,          -- JSON {term: occurrences}, terms that occur
        PRIMARY KEY (report_id, dictionary, role)
    ) WITHOUT ROWID;
    """,
    # 7: scanned pages (huibian/ocr/): each OCR'd line's span, page, box and confidence, and the
    #    low-confidence character runs, per report in source_text offsets; a fact's OCR confidence
    """
    ALTER TABLE reports ADD COLUMN ocr TEXT;       -- JSON {"lines": [[start, end, page, x0, y0, x1, y1, conf]...],
                                                   --  "low": [[start, end, conf]...]}; NULL for typed text
    ALTER TABLE facts ADD COLUMN confidence REAL;  -- lowest OCR confidence of the fact's number; NULL: typed text
    ALTER TABLE facts ADD COLUMN low_confidence INTEGER NOT NULL DEFAULT 0;  -- 1: check the number on the page
    """,
]


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations; returns the schema version now in force."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    return len(MIGRATIONS)
