import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from './synth-stack';

describe('cdk.json feature flags', () => {
  it('sets every flag CDK recommends for this aws-cdk-lib version, at the recommended value', () => {
    const context = cdkJsonContext();
    const missingOrDifferent = Object.entries(CURRENTLY_RECOMMENDED_FLAGS)
      .filter(([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value))
      .map(
        ([flag, value]) => `${flag}: ${JSON.stringify(context[flag])} (recommended ${JSON.stringify(value)})`,
      );
    expect(missingOrDifferent).toEqual([]);
  });

  it('holds no flag this aws-cdk-lib does not know (a leftover would hide a typo)', () => {
    const unknown = Object.keys(cdkJsonContext()).filter(
      (key) => key.startsWith('@aws-cdk') && !(key in CURRENTLY_RECOMMENDED_FLAGS),
    );
    expect(unknown).toEqual([]);
  });
});
