import { type Command, companyIdArgument, withoutSuccess } from '../command';
import { EXIT } from '../io';
import { keyValues } from '../output';

export const tokenCommands: readonly Command[] = [
  {
    name: 'status',
    usage: '<company_id>',
    summary: "A company's token: expiry, refresh, version, fingerprint, lease, hold (never the token)",
    async run(context) {
      const body = withoutSuccess(
        await (await context.api()).call('GET', `/tokens/${companyIdArgument(context)}/status`),
      );
      context.print(keyValues(body), body);
      return EXIT.OK;
    },
  },
  {
    name: 'stats',
    usage: '',
    summary: 'Token cache counts, logins, failures and 429s in the last hour',
    async run(context) {
      const body = await (await context.api()).call<{ stats: Record<string, unknown> }>(
        'GET',
        '/tokens/stats',
      );
      context.print(keyValues(body.stats), body.stats);
      return EXIT.OK;
    },
  },
  {
    name: 'clear',
    usage: '<company_id>',
    summary: "Clear a company's token fleet-wide (the next call logs in again)",
    async run(context) {
      const id = companyIdArgument(context);
      const body = withoutSuccess(await (await context.api()).call('DELETE', `/tokens/${id}`));
      context.print(`Token of company ${id} cleared\n`, body);
      return EXIT.OK;
    },
  },
  {
    name: 'cleanup',
    usage: '',
    summary: 'Remove expired tokens, old audit events and idle rate-limit rows now',
    async run(context) {
      const body = withoutSuccess(await (await context.api()).call('POST', '/tokens/cleanup'));
      context.print(keyValues(body), body);
      return EXIT.OK;
    },
  },
];
