#!/usr/bin/env python3
"""check-sql-owners.py - SQL on a table only in the files that own it (in the manner of curl's
checksrc).

The map of owners is data: sql-owners.txt beside this script, one table a line:

    TABLE   OWNERS   [READERS]

OWNERS and READERS are comma-separated files or folders (ending in '/') under the source
root. An owner may write any SQL on its table; a reader may only read it (SELECT ... FROM /
JOIN); anyone else may not mention it in SQL at all. Every table the migrations create must
be in the map, so a new table gets an owner when it is made.

SQL is found in C string literals (adjacent literals are joined): INSERT INTO t, UPDATE t SET,
DELETE FROM t, REPLACE INTO t, CREATE TABLE/INDEX ... ON t, ALTER TABLE t, DROP TABLE t are
writes; FROM t and JOIN t are reads. Keywords are matched in upper case, as the code writes
them. SQL built with a table name at run time ("%s") is not seen; such code must check the
name against the schema (zj_store_table).

usage: check-sql-owners.py [--map FILE] [SRCROOT]   exit 0 clean, 1 violations (one a line)
"""
import os
import re
import sys

ARGS = sys.argv[1:]
MAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'sql-owners.txt')
if ARGS[:1] == ['--map'] and len(ARGS) >= 2:
    MAP, ARGS = os.path.abspath(ARGS[1]), ARGS[2:]
ROOT = os.path.abspath(ARGS[0] if ARGS else os.path.join(os.path.dirname(__file__), '..'))
SCHEMA = ['src/store/migrations.c']      # where tables are created: the schema itself

WRITE = [r'INSERT\s+(?:OR\s+\w+\s+)?INTO\s+"?(\w+)', r'REPLACE\s+INTO\s+"?(\w+)',
         r'UPDATE\s+"?(\w+)"?\s+SET\b', r'DELETE\s+FROM\s+"?(\w+)',
         r'CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+ON\s+"?(\w+)',
         r'CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)', r'ALTER\s+TABLE\s+"?(\w+)',
         r'DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?"?(\w+)']
READ = [r'\bFROM\s+"?(\w+)', r'\bJOIN\s+"?(\w+)']


def load_map():
    owners, readers = {}, {}
    with open(MAP, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) not in (2, 3):
                sys.exit(f'{MAP}:{n}: expected TABLE OWNERS [READERS], got {line!r}')
            table = parts[0]
            if table in owners:
                sys.exit(f'{MAP}:{n}: table {table!r} listed twice')
            owners[table] = parts[1].split(',')
            readers[table] = parts[2].split(',') if len(parts) == 3 else []
    return owners, readers


def literals(text):
    """The string literals of C source, adjacent ones joined, with their line numbers."""
    out, i, n = [], 0, len(text)
    cur, cur_line, last_end = None, 0, -1
    line = 1
    while i < n:
        c = text[i]
        if c == '\n':
            line += 1
            i += 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            line += text.count('\n', i, j)
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == '\\' else 1
            i = j + 1
        elif c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == '\\' and j + 1 < n:
                    buf.append(' ' if text[j + 1] in 'nt' else text[j + 1])
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            s = ''.join(buf)
            between = text[last_end:i] if last_end >= 0 else 'x'
            if cur is not None and between.strip() == '':
                cur += s
            else:
                if cur is not None:
                    out.append((cur_line, cur))
                cur, cur_line = s, line
            i = j + 1
            last_end = i
        else:
            if not c.isspace() and cur is not None:
                out.append((cur_line, cur))
                cur = None
            i += 1
    if cur is not None:
        out.append((cur_line, cur))
    return out


def allowed(path, places):
    return any(path == p or (p.endswith('/') and path.startswith(p)) for p in places)


def main():
    owners, readers = load_map()
    problems = []
    # every table the schema creates has an owner
    for rel in SCHEMA:
        with open(os.path.join(ROOT, rel), encoding='utf-8') as f:
            for _, s in literals(f.read()):
                for t in re.findall(r'CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)', s):
                    if t not in owners:
                        problems.append(f'{rel}: table {t} has no owner in '
                                        f'{os.path.relpath(MAP, ROOT)}')
    for dirpath, _, files in sorted(os.walk(os.path.join(ROOT, 'src'))):
        for name in sorted(files):
            if not name.endswith(('.c', '.h')):
                continue
            rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
            if rel in SCHEMA:
                continue
            with open(os.path.join(dirpath, name), encoding='utf-8', errors='replace') as f:
                text = f.read()
            for line, s in literals(text):
                for kind, pats in (('writes', WRITE), ('reads', READ)):
                    if kind == 'reads':     # DELETE FROM t is a write, not also a read
                        s = re.sub(r'DELETE\s+FROM', 'DELETE', s)
                    for p in pats:
                        for t in re.findall(p, s):
                            if t not in owners or allowed(rel, owners[t]):
                                continue
                            if kind == 'reads' and allowed(rel, readers[t]):
                                continue
                            who = ', '.join(owners[t])
                            problems.append(f'{rel}:{line}: SQL {kind} table {t}, owned by {who}'
                                            + ('' if kind == 'writes' or not readers[t] else
                                               f' (readers: {", ".join(readers[t])})'))
    for p in sorted(set(problems)):
        print(p)
    if problems:
        print(f'{len(set(problems))} SQL ownership problem(s); the owners are in '
              f'{os.path.relpath(MAP, ROOT)} (docs/architecture.md)', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
