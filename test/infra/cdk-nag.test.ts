import { type App, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { addReservationsStack } from '../../infra/reservations-app.ts';
import { appWithoutBundling } from './support/synth.ts';

const noEnvironment = {};

function findings(scope: IConstruct) {
  return new AwsSolutionsChecks().validateScope(scope).violations.map((violation) => ({
    rule: violation.ruleName,
    at: violation.violatingResources.map((resource) => resource.constructPath),
  }));
}

function acknowledgements(app: App) {
  return app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          // CDK stores plain ids under its annotation namespace; cdk-nag strips it the same way.
          id: id.replace(/^annotation::/i, ''),
          reason,
          path: construct.node.path,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the default app, and app.synth() passes the plugin', () => {
    const app = appWithoutBundling();
    const stack = addReservationsStack(app, noEnvironment);
    expect(findings(stack)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it('finds nothing in production with JWT, an existing bus and secrets, and confirmation on', () => {
    const app = appWithoutBundling({
      stage: 'prod',
      jwtIssuer: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_example',
      jwtAudience: 'shop-backend',
      eventBusArn: 'arn:aws:events:eu-north-1:111111111111:event-bus/shop',
      tokenSecretArn: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:fp-token-AbCdEf',
      callbackSecretArn: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:fp-cb-GhIjKl',
      alarmEmail: 'ops@example.com',
    });
    expect(findings(addReservationsStack(app, noEnvironment))).toEqual([]);
  });

  it('finds nothing in a throw-away stack (tables deleted with it, no deletion protection)', () => {
    const app = appWithoutBundling({ throwAway: 'true' });
    expect(findings(addReservationsStack(app, noEnvironment))).toEqual([]);
  });

  it('does report a finding that is not acknowledged (the check is live)', () => {
    const app = appWithoutBundling();
    const stack = addReservationsStack(app, noEnvironment);
    new dynamodb.Table(stack, 'unprotected', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    });
    expect(findings(stack)).toContainEqual({
      rule: 'AwsSolutions-DDB3',
      at: [`${stack.node.path}/unprotected/Resource`],
    });
    expect(() => app.synth()).toThrow();
  });

  it('acknowledges each rule on the narrowest construct, with a real reason', () => {
    const app = appWithoutBundling();
    const stack = addReservationsStack(app, noEnvironment);
    const root = `${stack.node.path}/reservations`;
    const acknowledged = acknowledgements(app);
    expect(acknowledged.map(({ id, path }) => `${id} @ ${path}`).sort()).toEqual(
      [
        `AwsSolutions-APIG4 @ ${root}/http-api/GET--callbacks--front-payment`,
        `AwsSolutions-APIG4 @ ${root}/http-api/GET--callbacks--front-payment--{reservationId}`,
        `AwsSolutions-L1 @ ${root}/callback/function`,
        `AwsSolutions-L1 @ ${root}/create-session/function`,
        `AwsSolutions-L1 @ ${root}/publish-pending/function`,
        `AwsSolutions-L1 @ ${root}/reconcile/function`,
        `AwsSolutions-L1 @ ${root}/reservation-commands/function`,
        `AwsSolutions-SMG4 @ ${root}/callback-secret`,
        `AwsSolutions-SMG4 @ ${root}/front-payment-token`,
        `AwsSolutions-SNS2 @ ${root}/operations/alarm-topic`,
      ].sort(),
    );
    for (const { reason } of acknowledged) {
      expect(reason.length).toBeGreaterThan(80);
      expect(reason).not.toMatch(/todo|fixme|not needed|ignore/i);
    }
  });
});
