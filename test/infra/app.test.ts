import { Match, Template } from 'aws-cdk-lib/assertions';
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
          POWERTOOLS_SERVICE_NAME: 'callback',
          CALLBACK_MAX_AGE_SECONDS: '0',
        }),
      },
    });
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
        'EventBusArn',
        'EventBusName',
        'EventSource',
        'ReservationsTableName',
        'SchemaRegistryName',
        'TokenSecretArn',
      ].sort(),
    );
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
