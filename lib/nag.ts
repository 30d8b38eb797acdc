import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

type Resolved = string | { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, Resolved[]] };

/** Renders a resolved value the way cdk-nag names it in a finding: `{Ref: X}` -> `<X>`, GetAtt -> `<Id.Attr>`. */
function render(value: Resolved): string {
  if (typeof value === 'string') return value;
  if (value.Ref !== undefined) return `<${value.Ref}>`;
  if (value['Fn::GetAtt'] !== undefined) return `<${value['Fn::GetAtt'].join('.')}>`;
  if (value['Fn::Join'] !== undefined) return value['Fn::Join'][1].map(render).join(value['Fn::Join'][0]);
  throw new Error(`Cannot name ${JSON.stringify(value)} as a cdk-nag finding`);
}

/**
 * Acknowledges exactly one wildcard-resource finding (`AwsSolutions-IAM5[Resource::<arn>]`) on `scope`,
 * so any other wildcard added later to the same policy still fails synth.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const rendered = render(Stack.of(scope).resolve(resourceArn) as Resolved);
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${rendered}]`, reason });
}
