// duckdb_tv.mjs - the DuckDB peer for the 三个违规 screen and the case-flow benchmarks: load
// the store's tables (exported to CSV by bench/run.sh, because DuckDB's sqlite extension cannot
// be downloaded offline) into an in-memory database, then run a SQL file (bench/tv_screen.sql,
// bench/caseflow.sql) and print the seconds each part took and the counts per code.
//   node duckdb_tv.mjs CSV_DIR FILE.sql
import { closeSync, openSync, readFileSync, readSync, readdirSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, sqlFile] = process.argv.slice(2);
const options = process.env.DUCKDB_THREADS ? { threads: process.env.DUCKDB_THREADS } : {};
const instance = await DuckDBInstance.create(':memory:', options);
const conn = await instance.connect();
const ids = new Set(['id', 'record_id', 'entity_id', 'src_entity', 'dst_entity', 'dst_record',
                     'source_record']);
const now = () => Number(process.hrtime.bigint()) / 1e9;
// CPU seconds of the whole process (every DuckDB thread), user + system
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// The header line only: the files can be larger than a string may be (province scale).
function firstLine(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  return buf.subarray(0, n).toString('utf8').split('\n', 1)[0];
}

let t0 = now();
let c0 = cpu();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.csv'))) {
  const table = f.slice(0, -4);
  const file = `${dir}/${f}`.replace(/'/g, "''");
  const header = firstLine(`${dir}/${f}`).split(',');
  const cols = header.map((c) => (ids.has(c) ? `CAST("${c}" AS BIGINT) AS "${c}"` : `"${c}"`));
  await conn.run(`CREATE TABLE "${table}" AS SELECT ${cols.join(', ')} FROM read_csv('${file}',` +
                 ` header = true, all_varchar = true)`);
}
const load = now() - t0;
const loadCpu = cpu() - c0;

const sql = readFileSync(sqlFile, 'utf8')
  .replace(/GREATEST\(/g, 'greatest(').replace(/LEAST\(/g, 'least(')
  .replace(/PLUS365\(([a-z0-9_.]+)\)/g,
           "strftime(CAST($1 AS TIMESTAMP) + INTERVAL 365 DAY, '%Y-%m-%d %H:%M:%S')")
  .replace(/PLUS6M\(([a-z0-9_.]+), ([a-z0-9_.]+)\)/g,
           "strftime(CAST(substr($1, 1, 10) AS DATE) + INTERVAL 6 MONTH" +
           " + to_days(CAST(coalesce($2, 0) AS INTEGER)), '%Y-%m-%d')")
  .replace(/DAYNO\(([a-z0-9_.]+)\)/g,
           "date_diff('day', DATE '1970-01-01', TRY_CAST(substr($1, 1, 10) AS DATE))")
  .split('\n').filter((l) => !l.startsWith('--')).join('\n');
t0 = now();
c0 = cpu();
const counts = {};
for (const stmt of sql.split(';').map((s) => s.trim()).filter(Boolean)) {
  const r = await conn.runAndReadAll(stmt);
  const rows = r.getRows();
  if (rows.length && rows[0].length === 2)
    counts[rows[0][0]] = Number(rows[0][1]);
}
const query = now() - t0;
const queryCpu = cpu() - c0;
console.log(JSON.stringify({ load_seconds: load, load_cpu_seconds: loadCpu, query_seconds: query,
                             query_cpu_seconds: queryCpu, counts }));
