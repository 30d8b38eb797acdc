/**
 * Any process can use the layer against `npm start`: export the variables it prints, then run
 * `npx tsx local/examples/use-local-stack.ts [companyId]`. Plain AWS SDK clients and the library's
 * module-level functions find the local stand-ins through the standard endpoint variables.
 */
import { randomUUID } from 'node:crypto';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  getOrRefreshToken,
  getTokenStatus,
  readTokenManagerConfig,
  tokenFingerprint,
} from '@bluestakes/token-manager';

const config = readTokenManagerConfig(process.env);
const companyId = process.argv[2] ?? '1';

const rds = new RDSDataClient({});
const counted = await rds.send(
  new ExecuteStatementCommand({
    resourceArn: config.database.resourceArn,
    secretArn: config.database.secretArn,
    database: config.database.database,
    sql: 'SELECT count(*) AS companies FROM companies',
    resultSetOptions: { longReturnType: 'STRING' },
  }),
);

const secrets = new SecretsManagerClient({});
const name = `examples/round-trip-${randomUUID()}`;
const value = randomUUID();
await secrets.send(new CreateSecretCommand({ Name: name, SecretString: value }));
const readBack = await secrets.send(new GetSecretValueCommand({ SecretId: name }));

const token = await getOrRefreshToken(companyId);
const status = await getTokenStatus(companyId);

process.stdout.write(
  `${JSON.stringify({
    companies: Number(counted.records?.[0]?.[0]?.stringValue),
    secretRoundTrip: readBack.SecretString === value,
    tokenFingerprint: tokenFingerprint(token),
    statusFingerprint: status.token_fingerprint,
    hasValidToken: status.has_valid_token,
  })}\n`,
);
