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

export interface TestAppOptions {
  /** Run esbuild for the function bundles; off by default (`aws:cdk:bundling-stacks: []`). */
  readonly bundle?: boolean;
  readonly outdir?: string;
  /**
   * Run CDK's built-in CloudFormation validation on synth, as `cdk synth` does (cdk.json makes its
   * findings errors). Off by default: the template is the same either way, and the validation engine
   * costs seconds of CPU per synth; the cdk-nag tests turn it on, so the configurations they synthesize
   * (the default one among them) are still checked against its rules.
   */
  readonly cloudFormationValidation?: boolean;
}

/** A CDK app in its own temp directory, with cdk.json's context as the CLI would pass it. */
export function createTestApp(
  context: Record<string, unknown> = {},
  options: TestAppOptions = {},
): { app: App; outdir: string } {
  const outdir = options.outdir ?? mkdtempSync(join(tmpdir(), 'token-service-cdk-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
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
