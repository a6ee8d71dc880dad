// After `n8n-node build` (tsc, then the icons and codex files): the report chart's fonts
// (nodes/shared/reports/chart.ts), which n8n-node build does not copy; n8n has no system fonts to draw with.
const { cpSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const from = join(__dirname, '..', 'node_modules', 'dejavu-fonts-ttf');
const to = join(__dirname, '..', 'dist', 'nodes', 'shared', 'reports', 'fonts');
mkdirSync(to, { recursive: true });
for (const file of ['ttf/DejaVuSans.ttf', 'ttf/DejaVuSans-Bold.ttf', 'LICENSE'])
	cpSync(join(from, file), join(to, file.replace(/^ttf\//, '')));
