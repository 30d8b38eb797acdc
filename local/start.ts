/**
 * `npm start`: the whole service on this machine, no AWS account. Prints the variables another process
 * can export to use the layer against it, the API key and ready-to-paste curl commands.
 */
import type { LocalStack } from './local-stack';

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) > 65_535) {
    throw new Error(`${name} must be a port number, got "${value}"`);
  }
  return Number(value);
}

// Local runs print logs for people: metrics off, Powertools' readable log format on. Set before the
// library loads, because its Logger and Metrics read them when they are created.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_DEV ??= 'true';
const { startLocalStack } = await import('./local-stack');

const PORT_VARIABLES = {
  api: ['LOCAL_API_PORT', 3000],
  dataApi: ['LOCAL_DATA_API_PORT', 4510],
  secrets: ['LOCAL_SECRETS_PORT', 4520],
  bluestakes: ['LOCAL_BLUESTAKES_PORT', 4530],
} as const;
const ports = Object.fromEntries(
  Object.entries(PORT_VARIABLES).map(([part, [name, fallback]]) => [part, port(name, fallback)]),
) as Record<keyof typeof PORT_VARIABLES, number>;

/** One line naming the variable that moves a port another process already listens on. */
function takenPortHint(error: unknown): string | undefined {
  const { code, port: taken } = (error ?? {}) as { code?: unknown; port?: unknown };
  if (code !== 'EADDRINUSE' || typeof taken !== 'number') return undefined;
  const part = (Object.keys(ports) as (keyof typeof ports)[]).find((key) => ports[key] === taken);
  if (part === undefined) return `Port ${taken} is already in use.`;
  const name = PORT_VARIABLES[part][0];
  return `Port ${taken} is already in use: set ${name} to a free port (${name}=0 picks one), or stop what listens there.`;
}

const startedAt = performance.now();
const stack: LocalStack = await startLocalStack({
  dataDir: process.env.LOCAL_DATA_DIR || '.local',
  ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
  ...(process.env.BLUESTAKES_BASE_URL ? { bluestakesBaseUrl: process.env.BLUESTAKES_BASE_URL } : {}),
  ...(process.env.LOCAL_API_KEY ? { apiKey: process.env.LOCAL_API_KEY } : {}),
  ports,
}).catch((error: unknown) => {
  const taken = takenPortHint(error);
  if (taken === undefined) throw error;
  process.stderr.write(`${taken}\n`);
  process.exit(1);
});

const api = stack.apiUrl;
const key = stack.apiKey;
const first = stack.companies[0]?.id ?? '1';
const lines = [
  '',
  `bluestakes-token-service local stack is up (${Math.round(performance.now() - startedAt)} ms)`,
  '',
  '# Use the layer from another process against this stack:',
  ...Object.entries(stack.env).map(([name, value]) => `export ${name}=${value}`),
  '',
  '# The HTTP API, for the curl lines below and the README:',
  `export API=${api}`,
  `export KEY=${key}`,
  '',
  `HTTP API:        ${api}   (header x-api-key: ${key})`,
  `Bluestakes:      ${stack.bluestakesUrl}${stack.simulator ? '   (simulator)' : ''}`,
  ...(stack.companies.length > 0
    ? [
        'Demo companies:',
        ...stack.companies.map((company) => `  ${company.id}  ${company.name} (${company.username})`),
      ]
    : []),
  '',
  '# Try it:',
  `curl -s -H 'x-api-key: ${key}' ${api}/tokens/stats`,
  `curl -s -H 'x-api-key: ${key}' ${api}/tokens/${first}/status`,
  `curl -s -X POST -H 'x-api-key: ${key}' ${api}/tokens/cleanup`,
  `curl -s -X DELETE -H 'x-api-key: ${key}' ${api}/tokens/${first}`,
  `curl -s -X POST -H 'x-api-key: ${key}' -H 'content-type: application/json' \\`,
  `     -d '{"username":"acme-excavating","password":"demo-acme"}' ${api}/tokens/credentials/test`,
  `curl -s -X POST -H 'x-api-key: ${key}' -H 'content-type: application/json' \\`,
  `     -d '{"username":"acme-excavating","password":"demo-acme"}' ${api}/tokens/credentials/${first}`,
  '',
  'Ctrl-C stops it; data persists in the data folder across restarts.',
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping the local stack...\n`);
  await stack.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
