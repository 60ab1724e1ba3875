#!/usr/bin/env python3
"""sql_timed.py - the SQLite peer of the case-flow benchmark: open a store, read a SQL file once
to load the pages (not timed), then run it again timed: wall and CPU seconds of the evaluation
only, and the count each statement printed.

usage: sql_timed.py STORE FILE.sql      prints one JSON object
"""
import json
import re
import resource
import sqlite3
import sys
import time


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    db, path = sys.argv[1], sys.argv[2]
    text = open(path, encoding='utf-8').read()
    text = re.sub(r'PLUS6M\(([a-z0-9_.]+), ([a-z0-9_.]+)\)',
                  r"date(substr(\1, 1, 10), '+6 months', '+' || coalesce(\2, 0) || ' days')", text)
    text = re.sub(r'DAYNO\(([a-z0-9_.]+)\)', r"julianday(substr(\1, 1, 10))", text)
    text = '\n'.join(l for l in text.split('\n') if not l.startswith('--'))
    stmts = [s.strip() for s in text.split(';') if s.strip()]
    con = sqlite3.connect(f'file:{db}?mode=ro', uri=True)
    t0, c0 = time.monotonic(), cpu()
    for s in stmts:                       # loading: the pages into the cache
        con.execute(s).fetchall()
    load, load_cpu = time.monotonic() - t0, cpu() - c0
    counts = {}
    t0, c0 = time.monotonic(), cpu()
    for s in stmts:
        for row in con.execute(s).fetchall():
            if len(row) == 2:
                counts[row[0]] = row[1]
    print(json.dumps({'load_seconds': load, 'load_cpu_seconds': load_cpu,
                      'query_seconds': time.monotonic() - t0, 'query_cpu_seconds': cpu() - c0,
                      'counts': counts}))


if __name__ == '__main__':
    main()
