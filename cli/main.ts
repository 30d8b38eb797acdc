import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ApiError, ApiUnreachableError, createApiClient } from './api-client';
import type { Command, CommandContext, OptionSpecs } from './command';
import { companyCommands } from './commands/companies';
import { credentialsCommands } from './commands/credentials';
import { rotateKeyCommand } from './commands/rotate-key';
import { smokeCommand } from './commands/smoke';
import { syncCommand } from './commands/sync';
import { tokenCommands } from './commands/tokens';
import { type CliIo, EXIT } from './io';
import { awsStackLookup, resolveTarget, type StackLookup, TargetError, type TargetFlags } from './target';
import { UsageError } from './usage-error';

const PROGRAM = 'bluestakes-tokens';

export const COMMANDS: readonly Command[] = [
  ...companyCommands,
  ...credentialsCommands,
  ...tokenCommands,
  syncCommand,
  rotateKeyCommand,
  smokeCommand,
];

const GLOBAL_OPTIONS: OptionSpecs = {
  api: { type: 'string' },
  key: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  'key-id': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const TARGET_HELP = `Target (every command that calls the API):
  --api URL --key KEY     the stage's invoke URL and an API key
                          (or BLUESTAKES_API_URL and BLUESTAKES_API_KEY)
  --stack NAME            a deployed stack: its ApiUrl output and the value of its first API key,
                          read with your AWS credentials (or BLUESTAKES_STACK); --key-id picks
                          another key, --region the stack's region
Output: tables for people; --json prints one JSON document on stdout.
Exit codes: 0 ok, 1 the service answered an error (or a smoke check failed), 2 bad command line,
            3 target not found, unreachable, or the API key refused.`;

function commandLine(command: Command): string {
  return `${PROGRAM} ${command.name} ${command.usage}`.trimEnd();
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `${PROGRAM}: operate the Bluestakes token service

Usage: ${PROGRAM} <command> [arguments] [target] [--json]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

${TARGET_HELP}

Run ${PROGRAM} <command> --help for a command's arguments.
`;
}

function commandHelp(commands: readonly Command[]): string {
  return `${commands.map((command) => `Usage: ${commandLine(command)}\n  ${command.summary}`).join('\n\n')}\n\n${TARGET_HELP}\n`;
}

/** Every option any command knows, so the command words can be found wherever flags are placed. */
function allOptions(): OptionSpecs {
  return Object.assign({}, GLOBAL_OPTIONS, ...COMMANDS.map((command) => command.options ?? {}));
}

function findCommand(argv: readonly string[]): { command?: Command; group: Command[] } {
  const { tokens } = parseArgs({
    args: [...argv],
    options: allOptions(),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const words = tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  const command =
    COMMANDS.find((candidate) => candidate.name === words.slice(0, 2).join(' ')) ??
    COMMANDS.find((candidate) => candidate.name === words[0]);
  const group =
    words[0] === undefined ? [] : COMMANDS.filter((candidate) => candidate.name.startsWith(`${words[0]} `));
  return { ...(command === undefined ? {} : { command }), group };
}

/** What to do next, for the errors an operator meets most. */
const HINTS: Readonly<Record<string, string>> = {
  COMPANY_NOT_FOUND: `List the companies with: ${PROGRAM} companies list`,
  CREDENTIALS_NOT_FOUND: `Store them with: ${PROGRAM} credentials set <company_id> --username <user>`,
  COMPANY_DISABLED: `Enable it with: ${PROGRAM} companies update <company_id> --enable`,
  COMPANY_ENABLED: `Disable it first: ${PROGRAM} companies update <company_id> --disable`,
  LOGIN_HELD: `See why with: ${PROGRAM} status <company_id>`,
  CREDENTIALS_REJECTED: 'Check the username and password with the company',
};

function apiErrorExit(error: ApiError, io: CliIo): number {
  if (error.isGatewayForbidden) {
    const missingRoute = error.message.includes('Missing Authentication Token');
    io.stderr(
      missingRoute
        ? `error: ${error.message}\nThis stage has no such route: is --api the stage URL (ending in the stage, e.g. /v1/)?\n`
        : `error: the API key was refused (403). Check --key / BLUESTAKES_API_KEY, or --stack and --key-id\n`,
    );
    return EXIT.TARGET;
  }
  const retry = error.retryAfterSeconds === undefined ? '' : `\nRetry after ${error.retryAfterSeconds} s`;
  const hint = error.code === undefined ? '' : HINTS[error.code] ? `\n${HINTS[error.code]}` : '';
  io.stderr(`error: ${error.message}${hint}${retry}\n`);
  return EXIT.FAILED;
}

function isAwsCredentialsError(error: unknown): boolean {
  return (
    error instanceof Error &&
    /CredentialsProviderError|ExpiredToken|UnrecognizedClient|InvalidClientTokenId/.test(error.name)
  );
}

export interface CliDependencies {
  readonly lookup?: StackLookup;
  readonly fetch?: typeof fetch;
}

/**
 * Runs one command line and returns the exit code. Everything it prints goes through `io`, so tests
 * run it in-process.
 *
 * @param argv - the arguments after the program name
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  deps: CliDependencies = {},
): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { command, group } = findCommand(argv);
    const wantsHelp = argv.includes('--help') || argv.includes('-h');
    if (command === undefined) {
      if (group.length > 0) {
        io.stdout(commandHelp(group));
        return wantsHelp ? EXIT.OK : EXIT.USAGE;
      }
      if (wantsHelp || argv.length === 0) {
        io.stdout(generalHelp());
        return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
      }
      throw new UsageError(`Unknown command "${argv.find((arg) => !arg.startsWith('-')) ?? argv[0]}"`);
    }
    if (wantsHelp) {
      io.stdout(commandHelp([command]));
      return EXIT.OK;
    }
    const parsed = parseArgs({
      args: [...argv],
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const flag = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    const flags: TargetFlags = {
      api: flag('api'),
      key: flag('key'),
      stack: flag('stack'),
      region: flag('region'),
      keyId: flag('key-id'),
    };
    const lookup = deps.lookup ?? awsStackLookup;
    let client: ReturnType<typeof createApiClient> | undefined;
    const context: CommandContext = {
      io,
      json,
      values,
      positionals: parsed.positionals.slice(command.name.split(' ').length),
      flags,
      lookup,
      async api() {
        client ??= createApiClient((await resolveTarget(flags, io.env, lookup)).api, deps.fetch);
        return client;
      },
      print(human, data) {
        io.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : human);
      },
    };
    return await command.run(context);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (error instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(
        `error: ${(error as Error).message}\nRun ${PROGRAM} --help for the commands and their arguments\n`,
      );
      return EXIT.USAGE;
    }
    if (error instanceof ApiError) return apiErrorExit(error, io);
    if (error instanceof TargetError || error instanceof ApiUnreachableError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT.TARGET;
    }
    if (isAwsCredentialsError(error)) {
      io.stderr(
        `error: AWS refused the credentials (${(error as Error).message}); set AWS_PROFILE or log in again\n`,
      );
      return EXIT.TARGET;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILED;
  }
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
    interactive: process.stderr.isTTY === true,
    env: process.env,
    sleep: (ms) => delay(ms),
  };
}
