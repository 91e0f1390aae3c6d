import { readFileSync } from 'node:fs';

/**
 * The `context` of cdk.json, feature flags included. Test apps start from it so they synthesise
 * the same template as `cdk synth`: without the flags they would check another template.
 */
export const CDK_JSON_CONTEXT: Readonly<Record<string, unknown>> = JSON.parse(
  readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'),
).context;
