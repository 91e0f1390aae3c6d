import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import {
  FRONT_PAYMENT_PRODUCTION_URL,
  isFrontPaymentProductionUrl,
} from '../../infra/front-payment-reservations.ts';
import { addReservationsStack } from '../../infra/reservations-app.ts';
import { appWithoutBundling, synthReservations } from './support/synth.ts';

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

/** The resources that hold data, by CloudFormation type. */
const DATA_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::SecretsManager::Secret',
  'AWS::Events::Archive',
  'AWS::Logs::LogGroup',
] as const;
/** The types with a deletion protection switch, and its property. */
const PROTECTION_PROPERTY: Record<string, string> = {
  'AWS::DynamoDB::Table': 'DeletionProtectionEnabled',
  'AWS::Logs::LogGroup': 'DeletionProtectionEnabled',
};

/** Per data resource: its type, deletion and replacement policies, and deletion protection. */
function dataResources(template: Template) {
  const resources = Object.values(template.toJSON().Resources as Record<string, Resource>);
  return resources
    .filter((resource) => (DATA_TYPES as readonly string[]).includes(resource.Type))
    .map((resource) => {
      const protectionProperty = PROTECTION_PROPERTY[resource.Type];
      return {
        type: resource.Type,
        deletionPolicy: resource.DeletionPolicy,
        updateReplacePolicy: resource.UpdateReplacePolicy,
        ...(protectionProperty ? { protection: resource.Properties[protectionProperty] } : {}),
      };
    });
}

function appTemplate(context: Record<string, unknown>): Template {
  return Template.fromStack(addReservationsStack(appWithoutBundling(context), {}));
}

function expectEveryType(resources: ReturnType<typeof dataResources>) {
  expect([...new Set(resources.map((resource) => resource.type))].sort()).toEqual(
    [...DATA_TYPES].sort(),
  );
}

describe('what survives a deletion of the stack', () => {
  // The stage names nothing here: `prd`, `live` and `prod-eu` used to fall through to DESTROY.
  it.each([
    ['no context at all', {}],
    ['stage prd', { stage: 'prd' }],
    ['stage live', { stage: 'live' }],
    ['stage prod-eu', { stage: 'prod-eu' }],
    ['stage dev', { stage: 'dev' }],
  ])(
    '%s: tables, secrets, archive and logs are retained, with deletion protection',
    (_name, context) => {
      const resources = dataResources(appTemplate(context));

      expectEveryType(resources);
      for (const resource of resources) {
        expect(resource).toMatchObject({ deletionPolicy: 'Retain', updateReplacePolicy: 'Retain' });
        if (resource.type in PROTECTION_PROPERTY) expect(resource.protection).toBe(true);
      }
    },
  );

  it('every table in particular is retained and protected by default', () => {
    const tables = dataResources(appTemplate({})).filter(
      (resource) => resource.type === 'AWS::DynamoDB::Table',
    );

    expect(tables).toEqual([
      {
        type: 'AWS::DynamoDB::Table',
        deletionPolicy: 'Retain',
        updateReplacePolicy: 'Retain',
        protection: true,
      },
    ]);
  });

  it.each([
    ['the app with -c throwAway=true', () => appTemplate({ throwAway: 'true', stage: 'prod' })],
    ['the construct with throwAway: true', () => synthReservations({ throwAway: true }).template],
  ])('%s deletes all of them, without deletion protection', (_name, template) => {
    const resources = dataResources(template());

    expectEveryType(resources);
    for (const resource of resources) {
      expect(resource).toMatchObject({ deletionPolicy: 'Delete', updateReplacePolicy: 'Delete' });
      if (resource.type in PROTECTION_PROPERTY) expect(resource.protection).toBe(false);
    }
  });

  it('keeps logs three months by default, two weeks when throw-away, or as set', () => {
    const retentions = (template: Template) =>
      Object.values(template.findResources('AWS::Logs::LogGroup')).map(
        (group) => group.Properties.RetentionInDays,
      );

    // One log group per function (five) and the API's access log.
    const every = (days: number) => Array.from({ length: 6 }, () => days);
    expect(retentions(synthReservations().template)).toEqual(every(90));
    expect(retentions(synthReservations({ throwAway: true }).template)).toEqual(every(14));
    expect(
      retentions(
        synthReservations({ throwAway: true, logRetention: logs.RetentionDays.ONE_YEAR }).template,
      ),
    ).toEqual(every(365));
  });

  it('refuses a throw-away stack with the production Front Payment URL, naming both settings', () => {
    const both = /throwAway.*frontPaymentBaseUrl.*https:\/\/apigo\.frontpayment\.no/s;

    expect(() =>
      synthReservations({ throwAway: true, frontPaymentBaseUrl: FRONT_PAYMENT_PRODUCTION_URL }),
    ).toThrow(both);
    expect(() =>
      appTemplate({ throwAway: 'true', frontPaymentBaseUrl: 'https://apigo.frontpayment.no/' }),
    ).toThrow(both);
    expect(() =>
      addReservationsStack(appWithoutBundling(), {
        RESERVATIONS_THROW_AWAY: 'true',
        RESERVATIONS_FRONT_PAYMENT_BASE_URL: 'https://APIGO.frontpayment.no',
      }),
    ).toThrow(both);
  });

  it('allows the production URL in a kept stack, and the demo URL in a throw-away one', () => {
    expect(() =>
      synthReservations({ frontPaymentBaseUrl: FRONT_PAYMENT_PRODUCTION_URL }),
    ).not.toThrow();
    expect(() => appTemplate({ throwAway: 'true' })).not.toThrow();
  });

  it('recognises the production URL by its host', () => {
    expect(isFrontPaymentProductionUrl('https://apigo.frontpayment.no')).toBe(true);
    expect(isFrontPaymentProductionUrl('https://apigo.frontpayment.no/api/v1')).toBe(true);
    expect(isFrontPaymentProductionUrl('https://demo-api.frontpayment.no')).toBe(false);
    expect(isFrontPaymentProductionUrl('https://apigo.frontpayment.no.example.com')).toBe(false);
    expect(isFrontPaymentProductionUrl('not a url')).toBe(false);
  });
});
