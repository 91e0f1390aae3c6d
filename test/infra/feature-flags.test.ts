import { readFileSync } from 'node:fs';
import { FeatureFlags } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CDK_JSON_CONTEXT } from './support/cdk-json.ts';
import { appWithoutBundling } from './support/synth.ts';

const recommended: Record<string, unknown> = JSON.parse(
  readFileSync(
    new URL('../../node_modules/aws-cdk-lib/recommended-feature-flags.json', import.meta.url),
    'utf8',
  ),
);

describe('CDK feature flags', () => {
  it('cdk.json sets every flag the installed aws-cdk-lib recommends, as `cdk init` would', () => {
    const missingOrDifferent = Object.entries(recommended)
      .filter(([flag, value]) => JSON.stringify(CDK_JSON_CONTEXT[flag]) !== JSON.stringify(value))
      .map(([flag]) => flag);

    expect(Object.keys(recommended).length).toBeGreaterThan(80);
    expect(missingOrDifferent).toEqual([]);
  });

  it('reach the apps the tests synthesise', () => {
    const flags = FeatureFlags.of(appWithoutBundling());

    expect(flags.isEnabled('@aws-cdk/aws-iam:minimizePolicies')).toBe(true);
    expect(flags.isEnabled('@aws-cdk/core:enablePartitionLiterals')).toBe(true);
  });
});
