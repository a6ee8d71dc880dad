// Copies icons and codex files next to the compiled nodes: n8n reads them from dist/.
const { src, dest, task, parallel } = require('gulp');

task('build:icons', parallel(
	function copyIcons() {
		return src(['nodes/**/*.{png,svg}', 'nodes/**/*.node.json', 'credentials/**/*.{png,svg}'], { base: '.', encoding: false }).pipe(dest('dist'));
	},
	// The report chart's fonts (nodes/shared/reports/chart.ts): n8n has no system fonts to draw its text with.
	function copyChartFonts() {
		return src(['node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf', 'node_modules/dejavu-fonts-ttf/LICENSE'], { encoding: false }).pipe(dest('dist/nodes/shared/reports/fonts'));
	},
));
