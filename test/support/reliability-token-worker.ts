/**
 * A token manager in its own process (a Lambda container the reliability tests can SIGKILL):
 * `node --import tsx test/support/reliability-token-worker.ts <companyId>`, configured from the
 * environment exactly as a Lambda is. Prints one JSON line with the outcome (never the token).
 */
import {
  createTokenManager,
  readTokenManagerConfig,
  TokenServiceError,
  tokenFingerprint,
} from '@bluestakes/token-manager';

const companyId = process.argv[2] ?? '1';
const manager = createTokenManager({
  config: readTokenManagerConfig(process.env),
  instanceId: process.env.WORKER_INSTANCE_ID ?? `worker-${process.pid}`,
});

try {
  const token = await manager.getOrRefreshToken(companyId);
  process.stdout.write(`${JSON.stringify({ ok: true, fingerprint: tokenFingerprint(token) })}\n`);
} catch (error) {
  const code = error instanceof TokenServiceError ? error.code : 'UNEXPECTED';
  process.stdout.write(`${JSON.stringify({ ok: false, code })}\n`);
  process.exitCode = 1;
}
