import { type Command, stringOption } from '../command';
import { EXIT } from '../io';
import { readPassword } from '../password';
import { runSmokeCheck } from '../smoke/smoke-check';
import { formatCheck, summarize } from '../smoke/smoke-report';
import { UsageError } from '../usage-error';

export const smokeCommand: Command = {
  name: 'smoke',
  usage: '[--write [--username USER]]   (password: prompt, or stdin)',
  summary: 'Check a running stage end to end against openapi.yaml; read-only unless --write',
  options: { write: { type: 'boolean' }, username: { type: 'string' } },
  async run(context) {
    const write = context.values.write === true;
    const username = stringOption(context, 'username');
    if (username !== undefined && !write) throw new UsageError('--username is only used with --write');
    const credentials =
      username === undefined ? undefined : { username, password: await readPassword(context.io) };
    const api = await context.api();
    if (!context.json)
      context.io.stdout(`Smoke check of ${api.target.url}${write ? ' (with writes)' : ' (read-only)'}\n`);
    const results = await runSmokeCheck(api, {
      write,
      ...(credentials === undefined ? {} : { credentials }),
      onResult: (result) => {
        if (!context.json) context.io.stdout(`${formatCheck(result)}\n`);
      },
    });
    const failed = results.some((result) => result.outcome === 'fail');
    context.print(`${summarize(results)}\n`, { url: api.target.url, passed: !failed, results });
    return failed ? EXIT.FAILED : EXIT.OK;
  },
};
