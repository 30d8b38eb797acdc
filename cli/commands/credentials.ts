import { ApiError } from '../api-client';
import { type Command, type CommandContext, companyIdArgument, stringOption } from '../command';
import { EXIT } from '../io';
import { keyValues } from '../output';
import { readPassword } from '../password';
import { UsageError } from '../usage-error';

function username(context: CommandContext): string {
  const value = stringOption(context, 'username');
  if (value === undefined || value.trim() === '') throw new UsageError('Missing --username');
  return value;
}

export const credentialsCommands: readonly Command[] = [
  {
    name: 'credentials set',
    usage: '<company_id> --username USER [--skip-verify]   (password: prompt, or stdin)',
    summary: "Verify a company's Bluestakes credentials by a login and store them",
    options: { username: { type: 'string' }, 'skip-verify': { type: 'boolean' } },
    async run(context) {
      const id = companyIdArgument(context);
      const user = username(context);
      const password = await readPassword(context.io);
      const verify = context.values['skip-verify'] !== true;
      const body = await (await context.api()).call<{ data: Record<string, unknown> }>(
        'POST',
        `/tokens/credentials/${id}`,
        { body: { username: user, password, verify } },
      );
      context.print(
        `Credentials of company ${id} stored${verify ? ' (verified by a login; token cached)' : ' without verification'}\n`,
        body.data,
      );
      return EXIT.OK;
    },
  },
  {
    name: 'credentials test',
    usage: '--username USER   (password: prompt, or stdin)',
    summary: 'Check credentials by a Bluestakes login; stores nothing',
    options: { username: { type: 'string' } },
    async run(context) {
      const user = username(context);
      const password = await readPassword(context.io);
      const body = await (await context.api()).send('POST', '/tokens/credentials/test', {
        body: { username: user, password },
      });
      const data = body.body as { success?: boolean; error?: { code?: string } } | undefined;
      if (body.status === 422 || data?.error?.code === 'CREDENTIALS_REJECTED') {
        context.print('Bluestakes rejected these credentials\n', { credentials_valid: false });
        return EXIT.FAILED;
      }
      if (body.status < 200 || body.status > 299)
        throw new ApiError('POST', '/tokens/credentials/test', body);
      const parsed = ((body.body as { data?: Record<string, unknown> }).data ?? {}) as Record<
        string,
        unknown
      >;
      context.print(`Bluestakes accepted the credentials\n${keyValues(parsed)}`, parsed);
      return EXIT.OK;
    },
  },
  {
    name: 'credentials delete',
    usage: '<company_id>',
    summary: "Delete a company's credentials secret and token (logins stop until new ones are set)",
    async run(context) {
      const id = companyIdArgument(context);
      const body = await (await context.api()).call('DELETE', `/tokens/credentials/${id}`);
      context.print(
        body.secret_deleted
          ? `Credentials of company ${id} deleted\n`
          : `Company ${id} had no credentials stored\n`,
        body,
      );
      return EXIT.OK;
    },
  },
];
