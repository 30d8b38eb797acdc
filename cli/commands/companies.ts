import {
  type Command,
  type CommandContext,
  companyIdArgument,
  integerOption,
  positional,
  stringOption,
  withoutSuccess,
} from '../command';
import { EXIT } from '../io';
import { duration, keyValues, table } from '../output';
import { UsageError } from '../usage-error';

interface TokenSummary {
  readonly state: string;
  readonly expires_in: number | null;
  readonly version: string;
  readonly login_held: boolean;
  readonly hold_reason: string | null;
}

interface Company {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly token_ttl_seconds: number | null;
  readonly has_credentials: boolean;
  readonly token: TokenSummary;
}

interface CompanyPage {
  readonly companies: Company[];
  readonly next_cursor: string | null;
}

function companyRows(companies: readonly Company[]): string {
  return table(
    ['ID', 'NAME', 'ENABLED', 'CREDENTIALS', 'TOKEN', 'EXPIRES IN', 'VERSION', 'HOLD', 'TTL'],
    companies.map((company) => [
      company.id,
      company.name,
      company.enabled ? 'yes' : 'no',
      company.has_credentials ? 'yes' : 'no',
      company.token.state,
      company.token.state === 'none' ? '-' : duration(company.token.expires_in),
      company.token.version,
      company.token.login_held ? (company.token.hold_reason ?? 'held') : '-',
      company.token_ttl_seconds ?? 'default',
    ]),
  );
}

/** `--ttl 1800` or `--ttl default`. */
function ttlOption(context: CommandContext): number | null | undefined {
  if (stringOption(context, 'ttl') === 'default') return null;
  return integerOption(context, 'ttl', { min: 60, max: 86_400 });
}

export const companyCommands: readonly Command[] = [
  {
    name: 'companies add',
    usage: '<name> [--ttl SECONDS]',
    summary: 'Create a company (enabled, no credentials yet); prints its id',
    options: { ttl: { type: 'string' } },
    async run(context) {
      const name = positional(context, 0, 'name');
      const ttl = ttlOption(context);
      const body = await (await context.api()).call('POST', '/companies', {
        body: { name, ...(ttl === undefined ? {} : { token_ttl_seconds: ttl }) },
      });
      const company = withoutSuccess(body);
      context.print(
        `Created company ${String(company.id)} (${name}). Next: bluestakes-tokens credentials set ${String(company.id)} --username <user>\n`,
        company,
      );
      return EXIT.OK;
    },
  },
  {
    name: 'companies list',
    usage: '[--limit N] [--all]',
    summary: 'Companies with their token state (never the token); --all follows every page',
    options: { limit: { type: 'string' }, all: { type: 'boolean' } },
    async run(context) {
      const api = await context.api();
      const limit = integerOption(context, 'limit', { min: 1, max: 200 }) ?? 50;
      const companies: Company[] = [];
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ limit: String(limit), ...(cursor === null ? {} : { cursor }) });
        const page: CompanyPage = await api.call<CompanyPage>('GET', `/companies?${query}`);
        companies.push(...page.companies);
        cursor = page.next_cursor;
      } while (context.values.all === true && cursor !== null);
      const more = cursor === null ? '' : `More: --all, or the API with cursor=${cursor}\n`;
      context.print(
        companies.length === 0
          ? 'No companies yet: bluestakes-tokens companies add <name>\n'
          : companyRows(companies) + more,
        {
          companies,
          next_cursor: cursor,
        },
      );
      return EXIT.OK;
    },
  },
  {
    name: 'companies show',
    usage: '<company_id>',
    summary: 'One company with its token state',
    async run(context) {
      const body = await (await context.api()).call('GET', `/companies/${companyIdArgument(context)}`);
      const company = withoutSuccess(body);
      context.print(keyValues(company), company);
      return EXIT.OK;
    },
  },
  {
    name: 'companies update',
    usage: '<company_id> [--name NAME] [--ttl SECONDS|default] [--enable | --disable]',
    summary: 'Rename, set the token lifetime, or enable/disable (disabling clears the token)',
    options: {
      name: { type: 'string' },
      ttl: { type: 'string' },
      enable: { type: 'boolean' },
      disable: { type: 'boolean' },
    },
    async run(context) {
      const id = companyIdArgument(context);
      if (context.values.enable === true && context.values.disable === true) {
        throw new UsageError('Pass --enable or --disable, not both');
      }
      const ttl = ttlOption(context);
      const name = stringOption(context, 'name');
      const changes = {
        ...(name === undefined ? {} : { name }),
        ...(ttl === undefined ? {} : { token_ttl_seconds: ttl }),
        ...(context.values.enable === true ? { enabled: true } : {}),
        ...(context.values.disable === true ? { enabled: false } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new UsageError('Nothing to change: pass --name, --ttl, --enable or --disable');
      const company = withoutSuccess(
        await (await context.api()).call('PATCH', `/companies/${id}`, { body: changes }),
      );
      context.print(keyValues(company), company);
      return EXIT.OK;
    },
  },
  {
    name: 'companies delete',
    usage: '<company_id>',
    summary: 'Delete a disabled company with its credentials and tickets',
    async run(context) {
      const id = companyIdArgument(context);
      const body = withoutSuccess(await (await context.api()).call('DELETE', `/companies/${id}`));
      context.print(`Deleted company ${id}${body.secret_deleted ? ' and its credentials' : ''}\n`, body);
      return EXIT.OK;
    },
  },
];
