import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll } from 'vitest';
import {
  FrontPaymentReservations,
  type FrontPaymentReservationsProps,
} from '../../../infra/front-payment-reservations.ts';
import { CDK_JSON_CONTEXT } from './cdk-json.ts';

/**
 * Every synth writes a cloud assembly; an App without `outdir` puts each one in a new `cdk.out*`
 * folder in the temp dir and never removes it. So a test file's apps write below one folder of
 * its own, removed when the file is done.
 */
let assemblies: string | undefined;
afterAll(() => {
  if (assemblies) rmSync(assemblies, { recursive: true, force: true });
});

/** A fresh folder for one app's cloud assembly, removed after the test file. */
export function testOutdir(): string {
  assemblies ??= mkdtempSync(join(tmpdir(), 'cdk-test-'));
  return mkdtempSync(join(assemblies, 'app-'));
}

/**
 * An app with cdk.json's context (feature flags) that skips esbuild bundling: every test here
 * except the bundling test uses it.
 */
export function appWithoutBundling(context: Record<string, unknown> = {}): App {
  return new App({
    outdir: testOutdir(),
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
}

export interface Synthesised {
  readonly stack: Stack;
  readonly reservations: FrontPaymentReservations;
  readonly template: Template;
  /** Logical id of the CloudFormation resource behind `construct`. */
  readonly logicalId: (construct: IConstruct) => string;
}

/**
 * One stack with the construct, synthesised without bundling. `props` may be a function of the
 * stack, for props that import resources into it.
 */
export function synthReservations(
  props: FrontPaymentReservationsProps | ((stack: Stack) => FrontPaymentReservationsProps) = {},
  extend?: (stack: Stack, reservations: FrontPaymentReservations) => void,
): Synthesised {
  const stack = new Stack(appWithoutBundling(), 'test-stack', {
    env: { account: '111111111111', region: 'eu-north-1' },
  });
  const reservations = new FrontPaymentReservations(
    stack,
    'reservations',
    typeof props === 'function' ? props(stack) : props,
  );
  extend?.(stack, reservations);
  const template = Template.fromStack(stack);
  const logicalId = (construct: IConstruct) => {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return stack.getLogicalId(element);
  };
  return { stack, reservations, template, logicalId };
}

/** `{ "Fn::GetAtt": [id, "Arn"] }`, the way CloudFormation names a resource's ARN. */
export const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

export interface Statement {
  readonly actions: readonly string[];
  readonly resources: readonly unknown[];
}

/**
 * The statements of the policy attached to `roleLogicalId`, with actions and resources as sorted
 * lists, so a test can compare the whole policy with `toEqual`.
 */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  const attached = Object.values(policies).filter((policy) =>
    (policy.Properties.Roles as unknown[]).some(
      (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleLogicalId }),
    ),
  );
  return attached.flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as Record<string, unknown>[]).map((statement) => {
      if (statement.Effect !== 'Allow' || statement.Condition || statement.NotResource) {
        throw new Error(`unexpected statement shape: ${JSON.stringify(statement)}`);
      }
      return {
        actions: [statement.Action].flat().map(String).sort(),
        resources: [statement.Resource].flat(),
      };
    }),
  );
}
