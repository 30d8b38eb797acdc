#!/usr/bin/env node
// The `bluestakes-tokens` command: runs the TypeScript CLI through tsx, which `npm ci` installs here.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { processIo, runCli } = await import('./main.ts');
process.exitCode = await runCli(process.argv.slice(2), processIo());
