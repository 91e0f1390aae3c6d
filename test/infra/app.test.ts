import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { readAppSettings } from '../../infra/app-settings.ts';
import { addReservationsStack } from '../../infra/reservations-app.ts';
import { appWithoutBundling } from './support/synth.ts';

const fromContext = (context: Record<string, unknown>, environment = {}) =>
  readAppSettings({ context: (name) => context[name], environment });

describe('app settings', () => {
  it('reads context first, then RESERVATIONS_* variables', () => {
    const settings = fromContext(
      { stage: 'prod', allowedTaxRates: '0,25' },
      {
        RESERVATIONS_STAGE: 'test',
        RESERVATIONS_FRONT_PAYMENT_BASE_URL: 'https://apigo.frontpayment.no/',
        RESERVATIONS_CONFIRM_STATUS_WITH_FRONT_PAYMENT: 'true',
      },
    );
    expect(settings).toEqual({
      stage: 'prod',
      allowedTaxRates: [0, 25],
      frontPaymentBaseUrl: 'https://apigo.frontpayment.no',
    });
  });

  it('turns JWT issuer and audience into a list, and wants both', () => {
    expect(
      fromContext({ jwtIssuer: 'https://issuer.example.com', jwtAudience: 'a, b' }).jwtAudience,
    ).toEqual(['a', 'b']);
    expect(() => fromContext({ jwtIssuer: 'https://issuer.example.com' })).toThrow(
      /jwtIssuer and jwtAudience go together/,
    );
  });

  it('keeps a callback max age of 0 (age check off) and passes it to the callback as "0"', () => {
    expect(fromContext({ callbackMaxAgeSeconds: '0' }).callbackMaxAgeSeconds).toBe(0);
    expect(
      fromContext({}, { RESERVATIONS_CALLBACK_MAX_AGE_SECONDS: '0' }).callbackMaxAgeSeconds,
    ).toBe(0);
    expect(() => fromContext({ callbackMaxAgeSeconds: '-1' })).toThrow(/callbackMaxAgeSeconds/);
    const stack = addReservationsStack(appWithoutBundling({ callbackMaxAgeSeconds: 0 }), {});
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SERVICE_NAME: 'callback',
          CALLBACK_MAX_AGE_SECONDS: '0',
        }),
      },
    });
  });

  it('reads throwAway as true or false, from context or RESERVATIONS_THROW_AWAY', () => {
    expect(fromContext({ throwAway: 'true' }).throwAway).toBe(true);
    expect(fromContext({}, { RESERVATIONS_THROW_AWAY: 'false' }).throwAway).toBe(false);
    expect(fromContext({}).throwAway).toBeUndefined();
    expect(() => fromContext({ throwAway: 'yes' })).toThrow(
      /throwAway \(context\) \/ RESERVATIONS_THROW_AWAY: must be true or false/,
    );
  });

  it('reads the lookup indexes to build, for an upgrade one deployment at a time', () => {
    expect(fromContext({ lookupIndexes: 'by-reference-no' }).lookupIndexes).toEqual([
      'by-reference-no',
    ]);
    expect(() => fromContext({ lookupIndexes: 'by-name' })).toThrow(
      /lookupIndexes \(context\) \/ RESERVATIONS_LOOKUP_INDEXES: must name by-reference-no and\/or recent-reservations/,
    );
    const stack = addReservationsStack(
      appWithoutBundling({ lookupIndexes: 'by-reference-no' }),
      {},
    );
    const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table'));
    expect(
      (table?.Properties.GlobalSecondaryIndexes as { IndexName: string }[] | undefined)?.map(
        (index) => index.IndexName,
      ),
    ).toEqual([
      'by-front-payment-uuid',
      'pending-events',
      'due-callbacks',
      'open-reservations',
      'by-reference-no',
    ]);
  });

  it('fails naming the setting and its variable, not echoing the value', () => {
    expect(() => fromContext({ eventBusArn: 'my-bus' })).toThrow(
      /eventBusArn \(context\) \/ RESERVATIONS_EVENT_BUS_ARN: must be an ARN/,
    );
    expect(() => fromContext({ callbackChecksumFormula: 'md5' })).toThrow(
      /callbackChecksumFormula/,
    );
  });
});

describe('app stack', () => {
  it('is named after the stage and outputs what an operator needs', () => {
    const app = appWithoutBundling({ stage: 'test' });
    const stack = addReservationsStack(app, {});
    expect(stack.stackName).toBe('front-payment-reservations-test');
    const outputs = Template.fromStack(stack).toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs).sort()).toEqual(
      [
        'AlarmTopicArn',
        'ApiUrl',
        'CallbackSecretArn',
        'CallbackUrl',
        'CreateReservationUrl',
        'DashboardName',
        'EventArchiveArn',
        'EventBusArn',
        'EventBusName',
        'EventSource',
        'HttpApiId',
        'ReservationsTableName',
        'SchemaRegistryName',
        'TokenSecretArn',
      ].sort(),
    );
  });

  it('outputs the event archive ARN (for replays) and the HTTP API id (for IAM policies)', () => {
    const stack = addReservationsStack(appWithoutBundling(), {});
    const template = Template.fromStack(stack);
    const { archive, httpApi } = stack.reservations;
    const logicalId = (construct: IConstruct) =>
      stack.getLogicalId(construct.node.defaultChild as CfnElement);

    template.hasOutput('EventArchiveArn', {
      Value: { 'Fn::GetAtt': [logicalId(archive), 'Arn'] },
    });
    template.hasOutput('HttpApiId', { Value: { Ref: logicalId(httpApi) } });
    template.resourceCountIs('AWS::Events::Archive', 1);
  });

  it('uses an existing bus and imported secrets from context, and a JWT authorizer', () => {
    const app = appWithoutBundling({
      eventBusArn: 'arn:aws:events:eu-north-1:111111111111:event-bus/shop',
      tokenSecretArn: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:fp-token-AbCdEf',
      callbackSecretArn: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:fp-cb-GhIjKl',
      jwtIssuer: 'https://issuer.example.com',
      jwtAudience: 'shop',
    });
    const template = Template.fromStack(addReservationsStack(app, {}));
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://issuer.example.com', Audience: ['shop'] },
    });
    template.hasOutput('EventBusName', { Value: 'shop' });
  });
});
