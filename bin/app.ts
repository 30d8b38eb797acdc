/** CDK app entry: `npx cdk synth` / `npx cdk deploy`, settings from context (see docs/deploy.md). */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readServiceConfig } from '../lib/config';
import { TokenServiceStack } from '../lib/token-service-stack';

const app = new App();
const config = readServiceConfig(app.node);

// Environment-agnostic on purpose: no lookups, so synth needs no AWS credentials.
new TokenServiceStack(app, config.stackName, {
  config,
  description: 'Bluestakes token service: fleet-wide token cache (layer), HTTP API, Aurora Serverless v2',
});

// Every AwsSolutions finding is fixed or acknowledged with a reason where it arises; a new one fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
