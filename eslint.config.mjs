// n8n's community-node rules (the set @n8n/node-cli lints with) over the node sources and package.json.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';

export default [
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'tests/**',
			'scripts/**',
			'bench/**',
			'workflows/**',
			'*.mjs',
			'gulpfile.js',
		],
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: {
			parser: tsParser,
			parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
		},
	},
	// Without n8n Cloud support: Cloud accepts no runtime dependency, and DuckDB is this package's engine.
	n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
	{
		files: ['nodes/**/*.node.ts'],
		// No node is offered as an AI agent's tool: n8n hands a tool one item (the agent's arguments)
		// and drops binary data, and every node here works on tables of many rows (README, "Node reference").
		rules: { '@n8n/community-nodes/node-usable-as-tool': 'off' },
	},
	{
		files: ['credentials/SalesAnalyticsEngine.credentials.ts'],
		// The engine settings are local limits (memory, threads): there is no service to test them against.
		rules: { '@n8n/community-nodes/credential-test-required': 'off' },
	},
	{
		files: [
			'nodes/SalesHistory/SalesHistory.node.ts',
			'nodes/DataQualityCheck/DataQualityCheck.node.ts',
		],
		// The history's Postgres store takes n8n's own Postgres credential, the one users already
		// have for their database (a second copy of host, user and password would drift from it).
		rules: {
			'@n8n/community-nodes/no-credential-reuse': 'off',
			'@n8n/community-nodes/valid-credential-references': 'off',
		},
	},
];
