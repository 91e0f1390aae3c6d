import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ReservationsStack } from '../reservations-stack.ts';

/** A CloudFormation template as JSON: only the parts the docs read. */
export interface TemplateJson {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  readonly Outputs?: Record<string, { Description?: string }>;
}

export interface SynthesisedStack {
  readonly stack: ReservationsStack;
  readonly template: TemplateJson;
}

/**
 * The deployable app's stack with its default settings, as `cdk synth` makes it (cdk.json's
 * feature flags) but without bundling: the docs describe the template, not the bundles' bytes.
 */
export function synthDefaultStack(): SynthesisedStack {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  const outdir = mkdtempSync(join(tmpdir(), 'docs-synth-'));
  try {
    const app = new App({
      outdir,
      context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
    });
    const stack = new ReservationsStack(app, 'front-payment-reservations-dev', { settings: {} });
    const template = app.synth().getStackByName(stack.stackName).template as TemplateJson;
    return { stack, template };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
