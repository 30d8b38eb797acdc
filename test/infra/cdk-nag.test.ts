import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { readServiceConfig } from '../../lib/config';
import { TokenServiceStack } from '../../lib/token-service-stack';
import { createTestApp } from './synth-stack';

interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly violatingConstructs: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

/**
 * Synthesizes with the AwsSolutions pack and CDK's built-in CloudFormation validation, as bin/app.ts
 * and cdk.json do; returns the findings of both that are not acknowledged.
 */
function nagFindings(
  context: Record<string, unknown>,
  addExtra?: (app: App, stack: TokenServiceStack) => void,
): { findings: string[]; synthError: unknown } {
  const { app, outdir } = createTestApp(context, { cloudFormationValidation: true });
  try {
    const config = readServiceConfig(app.node);
    const stack = new TokenServiceStack(app, config.stackName, { config });
    addExtra?.(app, stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    let synthError: unknown;
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
    const report = JSON.parse(
      readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.flatMap((violation) =>
        violation.violatingConstructs.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
      ),
    );
    return { findings, synthError };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe('cdk-nag AwsSolutions checks', () => {
  it('leave no unacknowledged finding with the default settings', { timeout: 300_000 }, () => {
    const { findings, synthError } = nagFindings({});
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('leave no unacknowledged finding when protection and execution logging are switched off', {
    timeout: 120_000,
  }, () => {
    const { findings, synthError } = nagFindings({
      databaseDeletionProtection: 'false',
      databaseRemovalPolicy: 'destroy',
      apiExecutionLogLevel: 'OFF',
      apiCreateCloudWatchRole: 'false',
      apiIamAuthorization: 'true',
    });
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('still catch a new problem: acknowledgements are specific, not blanket', { timeout: 300_000 }, () => {
    const { findings, synthError } = nagFindings({}, (_app, stack) => {
      new sns.Topic(stack.monitoring, 'UnencryptedPlainTopic');
      stack.cleanupFunction.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:other/*'],
        }),
      );
    });
    expect(findings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/AwsSolutions-SNS3 at .*Monitoring\/UnencryptedPlainTopic/),
        expect.stringMatching(
          /AwsSolutions-IAM5\[Resource::arn:aws:secretsmanager:.*other\/\*\] at .*RunScheduledCleanup/,
        ),
      ]),
    );
    expect(String(synthError)).toMatch(/ValidationFailed/);
  });
});
