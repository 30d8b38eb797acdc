import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readServiceConfig } from '../../lib/config';
import { REPOSITORY_ROOT, TokenServiceStack } from '../../lib/token-service-stack';

export interface SynthesizedStack {
  readonly app: App;
  readonly stack: TokenServiceStack;
  readonly template: Template;
  readonly outdir: string;
  /** Removes the cloud assembly directory. */
  readonly cleanup: () => void;
}

/** The `context` of cdk.json (feature flags, settings): what `cdk synth` and `cdk deploy` apply. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/**
 * A CDK app in its own temp directory, with cdk.json's context as the CLI would pass it;
 * `aws:cdk:bundling-stacks: []` skips esbuild for speed unless `bundle` is set.
 */
export function createTestApp(
  context: Record<string, unknown> = {},
  options: { readonly bundle?: boolean; readonly outdir?: string } = {},
): { app: App; outdir: string } {
  const outdir = options.outdir ?? mkdtempSync(join(tmpdir(), 'token-service-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkJsonContext(),
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...context,
    },
  });
  return { app, outdir };
}

/** Builds the stack from context exactly as bin/app.ts does, and returns its template. */
export function synthStack(context: Record<string, unknown> = {}): SynthesizedStack {
  const { app, outdir } = createTestApp(context);
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  try {
    const config = readServiceConfig(app.node);
    const stack = new TokenServiceStack(app, config.stackName, { config });
    return { app, stack, template: Template.fromStack(stack), outdir, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}
