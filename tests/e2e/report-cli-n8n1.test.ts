/**
 * The e2e's CLI part (report-cli.test.ts: the real and generated months, the rerun, the broken
 * month) on the newest n8n 1.x, which `npm run report -- --n8n-version 1` installs into the cache.
 */
process.env.N8N_MAJOR = '1';
require('./report-cli.test');
