#!/usr/bin/env python3
"""province_utf8.py - the generated province's exports as UTF-8 CSV, for the peers.

    province_utf8.py GEN_DIR OUT_DIR > files.txt

sqlite3 .import and DuckDB's read_csv read UTF-8 CSV: GB18030 files are converted (bytes the
generator planted as undecodable become U+FFFD), tab-separated files become comma-separated,
and JSON Lines become CSV with one column per key (nested objects flattened as a.b). Prints
one line per file: the converted file, a table name (t01, t02 ...) and the record count the
manifest gives. Conversion is not timed: the peers' time starts with their own reading.
"""
import csv
import json
import os
import sys


def flatten(obj, prefix=''):
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            out.update(flatten(v, prefix + k + '.'))
        else:
            out[prefix + k] = '' if v is None else (json.dumps(v, ensure_ascii=False)
                                                    if isinstance(v, list) else str(v))
    return out


def main():
    gen, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    manifest = json.load(open(os.path.join(gen, 'manifest.json'), encoding='utf-8'))
    for i, f in enumerate(manifest['files'], 1):
        src = os.path.join(gen, f['file'])
        dst = os.path.join(out_dir, 't%02d.csv' % i)
        enc = 'gb18030' if f['encoding'] == 'gb18030' else 'utf-8'
        with open(src, encoding=enc, errors='replace', newline='') as inp, \
             open(dst, 'w', encoding='utf-8', newline='') as out:
            if f['format'] == 'jsonl':
                rows, keys = [], []
                for line in inp:
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        continue                    # the planted truncated lines
                    if isinstance(obj, dict):
                        row = flatten(obj)
                        keys += [k for k in row if k not in keys]
                        rows.append(row)
                w = csv.DictWriter(out, fieldnames=keys, lineterminator='\n')
                w.writeheader()
                w.writerows(rows)
            else:
                delim = '\t' if f['file'].endswith('.tsv') else ','
                csv.writer(out, lineterminator='\n').writerows(csv.reader(inp, delimiter=delim))
        print(dst, 't%02d' % i, f['records'])


main()
