#!/usr/bin/env python3
"""gen-table.py - compile a rules/*.tsv code table into C initializer rows (built by Meson).

The TSV is the single source of truth; this script only reformats it. Lines starting with '#'
and blank lines are comments, the first other line is the header (column names), every further
line is a row with exactly as many tab-separated fields.

    gen-table.py rows IN.tsv OUT.inc [--sort] [--int N]...
        one `{"f1", "f2", ...},` line per row; --int N emits column N (0-based) as a bare
        integer; --sort sorts rows by the first column's UTF-8 bytes (for binary search).
    gen-table.py column IN.tsv OUT.inc
        the first column alone, as bare integers, one `N,` per line, in file order.
    gen-table.py region-prefixes IN.tsv OUT.inc
        from rules/regions.tsv: the sorted, unique region names that may lead an enterprise
        name (full names, plus short forms of provinces and prefecture-level cities), one
        `"name",` per line.

    gen-table.py holidays OUT.inc IN...
        from rules/holidays/YYYY.tsv (date, kind, holiday): `{DAY, 'r'|'w'},` per listed day,
        DAY the day number (days since 1970-01-01), sorted, for binary search; a date listed
        twice, a kind other than rest or work, or a 'work' day that is not a Saturday or Sunday
        is an error.

    gen-table.py texts OUT.inc IN...
        each input file whole, as `const char zg_map_STEM[] = "...";` where STEM is the file
        name up to its first '.' (the generator's foreign-layout mapping files,
        rules/gen_foreign/STEM.mapping.yaml).

Errors name the file and line and exit with status 1.
"""
import sys


def read_tsv(path):
    header, rows = None, []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if header is None:
                header = fields
                continue
            if len(fields) != len(header):
                sys.exit(f"{path}:{lineno}: expected {len(header)} tab-separated fields, "
                         f"got {len(fields)}")
            rows.append((lineno, fields))
    if header is None:
        sys.exit(f"{path}: no header line")
    return header, rows


def c_string(s):
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20:
            out.append("\\%03o" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def rows_mode(src, dst, args):
    sort = "--sort" in args
    ints = {int(args[i + 1]) for i, a in enumerate(args) if a == "--int"}
    header, rows = read_tsv(src)
    if sort:
        rows.sort(key=lambda r: r[1][0].encode("utf-8"))
    seen = set()
    out = [f"/* generated from {src.split('/')[-1]} by scripts/gen-table.py - do not edit */"]
    for lineno, fields in rows:
        if fields[0] in seen:
            sys.exit(f"{src}:{lineno}: duplicate key '{fields[0]}'")
        seen.add(fields[0])
        cells = []
        for i, v in enumerate(fields):
            if i in ints:
                if not v.isdigit():
                    sys.exit(f"{src}:{lineno}: column '{header[i]}' must be digits, got '{v}'")
                cells.append(str(int(v)))
            else:
                cells.append(c_string(v))
        out.append("{" + ", ".join(cells) + "},")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def column_mode(src, dst):
    header, rows = read_tsv(src)
    out = [f"/* generated from {src.split('/')[-1]} by scripts/gen-table.py - do not edit */"]
    for lineno, fields in rows:
        if not fields[0].isdigit():
            sys.exit(f"{src}:{lineno}: column '{header[0]}' must be digits, got '{fields[0]}'")
        out.append(f"{int(fields[0])},")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
PROVINCE_SUFFIXES = ["壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市"]


def region_prefixes_mode(src, dst):
    _, rows = read_tsv(src)
    names = set()
    for _, (code, name) in rows:
        if name in PLACEHOLDERS or "（" in name or len(name) < 2:
            continue
        names.add(name)
        if code.endswith("0000"):            # province: 陕西省 -> 陕西, 广西壮族自治区 -> 广西
            for suf in PROVINCE_SUFFIXES:
                if name.endswith(suf) and len(name) - len(suf) >= 2:
                    names.add(name[: -len(suf)])
                    break
        elif code.endswith("00") and name.endswith("市") and len(name) >= 3:
            names.add(name[:-1])             # prefecture-level city: 西安市 -> 西安
    out = [f"/* generated from {src.split('/')[-1]} by scripts/gen-table.py - do not edit */"]
    for n in sorted(names, key=lambda s: s.encode("utf-8")):
        out.append(c_string(n) + ",")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def texts_mode(dst, srcs):
    import os
    out = []
    for src in sorted(srcs):
        stem = os.path.basename(src).split(".")[0]
        with open(src, encoding="utf-8") as f:
            text = f.read()
        lines = [c_string(line + "\n") for line in text.split("\n")[:-1]]
        out.append(f"const char zg_map_{stem}[] =\n    " + "\n    ".join(lines or ['""']) + ";\n")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("".join(out))


def holidays_mode(dst, srcs):
    import datetime
    days = {}
    for src in sorted(srcs):
        header, rows = read_tsv(src)
        if header[:2] != ["date", "kind"]:
            sys.exit(f"{src}: header must start with date, kind")
        for lineno, fields in rows:
            try:
                d = datetime.date.fromisoformat(fields[0])
            except ValueError:
                sys.exit(f"{src}:{lineno}: bad date '{fields[0]}'")
            if fields[1] not in ("rest", "work"):
                sys.exit(f"{src}:{lineno}: kind must be rest or work, got '{fields[1]}'")
            if fields[1] == "work" and d.weekday() < 5:
                sys.exit(f"{src}:{lineno}: a 'work' day must be a Saturday or Sunday: {d}")
            n = (d - datetime.date(1970, 1, 1)).days
            if n in days:
                sys.exit(f"{src}:{lineno}: {d} listed twice")
            days[n] = fields[1][0]
    out = ["/* generated from rules/holidays/YYYY.tsv by scripts/gen-table.py - do not edit */"]
    for n in sorted(days):
        out.append(f"{{{n}, '{days[n]}'}},")
    with open(dst, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


def main(argv):
    if len(argv) >= 3 and argv[1] == "holidays":
        holidays_mode(argv[2], argv[3:])
        return
    if len(argv) >= 3 and argv[1] == "texts":
        texts_mode(argv[2], argv[3:])
        return
    if len(argv) < 4:
        sys.exit(__doc__)
    mode, src, dst = argv[1:4]
    if mode == "rows":
        rows_mode(src, dst, argv[4:])
    elif mode == "column":
        column_mode(src, dst)
    elif mode == "region-prefixes":
        region_prefixes_mode(src, dst)
    else:
        sys.exit(f"gen-table.py: unknown mode '{mode}'")


if __name__ == "__main__":
    main(sys.argv)
