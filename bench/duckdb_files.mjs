// duckdb_files.mjs - the DuckDB peer for importing many files: each CSV into a table of its
// own in a fresh database file with read_csv, and print the seconds it took in all.
//   node duckdb_files.mjs DB.duckdb LIST    (LIST: lines "file table ...", from province_utf8.py)
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dbPath, list] = process.argv.slice(2);
const files = readFileSync(list, 'utf8').trim().split('\n').map((l) => l.split(' '));
const t0 = process.hrtime.bigint();
const options = process.env.DUCKDB_THREADS ? { threads: process.env.DUCKDB_THREADS } : {};
const instance = await DuckDBInstance.create(dbPath, options);
const conn = await instance.connect();
let rows = 0;
for (const [file, table] of files) {
  await conn.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', header = true, delim = ',', quote = '"', escape = '"', all_varchar = true, strict_mode = false, ignore_errors = true)`);
  const reader = await conn.runAndReadAll(`SELECT count(*) FROM ${table}`);
  rows += Number(reader.getRows()[0][0]);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ rows, seconds }));
