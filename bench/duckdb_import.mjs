// duckdb_import.mjs - the DuckDB peer for the import benchmark: load a CSV into a table of a
// fresh database file with read_csv, and print the seconds it took.
//   node duckdb_import.mjs FILE.csv DB.duckdb
import { DuckDBInstance } from '@duckdb/node-api';

const [file, dbPath] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const options = process.env.DUCKDB_THREADS ? { threads: process.env.DUCKDB_THREADS } : {};
const instance = await DuckDBInstance.create(dbPath, options);
const conn = await instance.connect();
await conn.run(`CREATE TABLE court_case AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}', header = true)`);
const reader = await conn.runAndReadAll('SELECT count(*) FROM court_case');
const rows = Number(reader.getRows()[0][0]);
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(JSON.stringify({ rows, seconds }));
