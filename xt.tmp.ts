import { DuckDBInstance } from '@duckdb/node-api';
import { statSync } from 'node:fs';
const f='/root/.cache/n8n-nodes-sales-analytics/bench-data/web-1000000-seed42/csv/web.csv';
(async()=>{
 for (const mem of ['1GB','16GB']) {
 const inst = await DuckDBInstance.create(':memory:', {memory_limit: mem}); const c = await inst.connect();
 await c.run(`CREATE OR REPLACE TEMP TABLE t AS SELECT * FROM read_csv('${f}')`);
 for (const opt of ['COMPRESSION zstd', 'COMPRESSION snappy', 'COMPRESSION zstd, ROW_GROUP_SIZE 1000000']) {
 let t=performance.now();
 await c.run(`COPY (SELECT * FROM t) TO '/tmp/h.parquet' (FORMAT parquet, ${opt})`); console.log(mem, opt, (performance.now()-t).toFixed(0), (statSync('/tmp/h.parquet').size/1e6).toFixed(0)+'MB');
 }
 }
})();
