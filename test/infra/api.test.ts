import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_FIELDS,
  CALLBACK_ROUTE_KEY,
  CREATE_RESERVATION_ROUTE_KEY,
} from '../../infra/front-payment-reservations.ts';
import { arnOf, type Synthesised, synthReservations } from './support/synth.ts';

function routes(s: Synthesised) {
  return Object.values(s.template.findResources('AWS::ApiGatewayV2::Route')).map(
    (route) => route.Properties,
  );
}

function route(s: Synthesised, routeKey: string) {
  const found = routes(s).find((properties) => properties.RouteKey === routeKey);
  if (!found) throw new Error(`no route ${routeKey}`);
  return found;
}

describe('HTTP API', () => {
  let s: Synthesised;
  beforeAll(() => {
    s = synthReservations();
  });

  it('has exactly POST /reservations, the reservation routes and the callback with and without our id in the path', () => {
    expect(
      routes(s)
        .map((properties) => properties.RouteKey)
        .sort(),
    ).toEqual([
      'GET /callbacks/front-payment',
      'GET /callbacks/front-payment/{reservationId}',
      'GET /reservations',
      'GET /reservations/{reservationId}',
      'POST /reservations',
      'POST /reservations/{reservationId}/cancel',
      'POST /reservations/{reservationId}/capture',
      'POST /reservations/{reservationId}/charge',
      'POST /reservations/{reservationId}/complete',
      'POST /reservations/{reservationId}/refund',
      'POST /reservations/{reservationId}/resend',
    ]);
  });

  it('protects the reservation routes as POST /reservations and sends them to one function', () => {
    const integrations = s.template.findResources('AWS::ApiGatewayV2::Integration');
    const keys = [
      'GET /reservations',
      'GET /reservations/{reservationId}',
      'POST /reservations/{reservationId}/capture',
    ];
    for (const key of keys) expect(route(s, key).AuthorizationType).toBe('AWS_IAM');
    const targets = keys.map((key) => route(s, key).Target['Fn::Join'][1][1].Ref as string);
    expect(new Set(targets).size).toBe(1);
    expect(integrations[targets[0] ?? '']?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('protects POST /reservations with IAM by default and leaves the callback public', () => {
    expect(route(s, 'POST /reservations').AuthorizationType).toBe('AWS_IAM');
    expect(route(s, 'GET /callbacks/front-payment').AuthorizationType).toBe('NONE');
    expect(route(s, 'GET /callbacks/front-payment/{reservationId}').AuthorizationType).toBe('NONE');
    s.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  it('sends each route to its own function (payload 2.0)', () => {
    const integrations = s.template.findResources('AWS::ApiGatewayV2::Integration');
    const targetOf = (routeKey: string) => {
      const target = route(s, routeKey).Target['Fn::Join'][1][1].Ref as string;
      return integrations[target]?.Properties;
    };
    expect(targetOf('POST /reservations')).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: arnOf(s.logicalId(s.reservations.createSessionFunction)),
    });
    for (const callbackRoute of [
      'GET /callbacks/front-payment',
      'GET /callbacks/front-payment/{reservationId}',
    ]) {
      expect(targetOf(callbackRoute)).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: arnOf(s.logicalId(s.reservations.callbackFunction)),
      });
    }
  });

  it('lets API Gateway invoke each function from its own route only', () => {
    const api = s.logicalId(s.reservations.httpApi);
    const sourceArn = (path: string) => ({
      'Fn::Join': [
        '',
        [
          // A literal partition: the stack's region is known (feature flag enablePartitionLiterals).
          'arn:aws:execute-api:eu-north-1:111111111111:',
          { Ref: api },
          path,
        ],
      ],
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: arnOf(s.logicalId(s.reservations.createSessionFunction)),
      SourceArn: sourceArn('/*/*/reservations'),
    });
    s.template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: arnOf(s.logicalId(s.reservations.callbackFunction)),
      SourceArn: sourceArn('/*/*/callbacks/front-payment'),
    });
  });

  it('throttles the default stage and writes JSON access logs without query strings', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: arnOf(s.logicalId(s.reservations.accessLogGroup)),
        Format: JSON.stringify(ACCESS_LOG_FIELDS),
      },
    });
    const variables = Object.values(ACCESS_LOG_FIELDS).join(' ');
    expect(variables).toContain('$context.requestId');
    // The callback's query holds the checksum and amounts: no variable may carry a query string.
    expect(variables).not.toMatch(/querystring|requestUri|\$context\.body/i);
    s.template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 90,
      DeletionProtectionEnabled: true,
    });
  });

  it('gives each route its own limits, callback lower, so forged callbacks cannot starve POST', () => {
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      RouteSettings: {
        'POST /reservations': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
        'GET /callbacks/front-payment': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      },
    });
    expect([CREATE_RESERVATION_ROUTE_KEY, CALLBACK_ROUTE_KEY]).toEqual([
      'POST /reservations',
      'GET /callbacks/front-payment',
    ]);
  });

  it('creates the stage after every route (route settings name existing route keys)', () => {
    const [stage] = Object.values(s.template.findResources('AWS::ApiGatewayV2::Stage'));
    const routeIds = Object.keys(s.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routeIds).toHaveLength(11);
    expect(stage?.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('gives create-session the API endpoint as CALLBACK_BASE_URL (the API, not a route)', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CALLBACK_BASE_URL: {
            'Fn::GetAtt': [s.logicalId(s.reservations.httpApi), 'ApiEndpoint'],
          },
        }),
      },
    });
  });
});

describe('HTTP API options', () => {
  it('uses a JWT authorizer with issuer, audience and scopes when asked', () => {
    const s = synthReservations({
      authorization: {
        mode: 'jwt',
        issuer: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_example',
        audience: ['shop-backend'],
        scopes: ['reservations/create'],
      },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: 'https://cognito-idp.eu-north-1.amazonaws.com/eu-north-1_example',
        Audience: ['shop-backend'],
      },
    });
    const authorizer = Object.keys(s.template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    expect(route(s, 'POST /reservations')).toMatchObject({
      AuthorizationType: 'JWT',
      AuthorizerId: { Ref: authorizer },
      AuthorizationScopes: ['reservations/create'],
    });
    // The reservation routes share the one authorizer and its scopes.
    s.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    for (const key of [
      'GET /reservations/{reservationId}',
      'POST /reservations/{reservationId}/refund',
    ]) {
      expect(route(s, key)).toMatchObject({
        AuthorizationType: 'JWT',
        AuthorizerId: { Ref: authorizer },
        AuthorizationScopes: ['reservations/create'],
      });
    }
    expect(route(s, 'GET /callbacks/front-payment').AuthorizationType).toBe('NONE');
    expect(route(s, 'GET /callbacks/front-payment/{reservationId}').AuthorizationType).toBe('NONE');
  });

  it('takes custom throttling for the stage and for each route', () => {
    const s = synthReservations({
      throttle: { rateLimit: 5, burstLimit: 10 },
      createReservationThrottle: { rateLimit: 8, burstLimit: 16 },
      callbackThrottle: { rateLimit: 2 },
    });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      // A limit left out is left out of the template, not written as null.
      RouteSettings: Match.exact({
        'POST /reservations': { ThrottlingRateLimit: 8, ThrottlingBurstLimit: 16 },
        'GET /callbacks/front-payment': { ThrottlingRateLimit: 2 },
        'GET /callbacks/front-payment/{reservationId}': { ThrottlingRateLimit: 2 },
      }),
    });
  });

  it('gives POST /reservations the stage throttling when only that is set; the callback keeps 20/40', () => {
    const s = synthReservations({ throttle: { rateLimit: 5, burstLimit: 10 } });
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      RouteSettings: Match.exact({
        'POST /reservations': { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
        'GET /callbacks/front-payment': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        'GET /callbacks/front-payment/{reservationId}': {
          ThrottlingRateLimit: 20,
          ThrottlingBurstLimit: 40,
        },
      }),
    });
  });
});
