import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  committedOpenApiText,
  generatedOpenApiText,
  OPENAPI_PATH,
} from '../../infra/openapi/openapi-file.ts';
import { synthReservations } from './support/synth.ts';

type Json = Record<string, unknown>;
const document = () => JSON.parse(committedOpenApiText()) as Json;
const paths = () => document().paths as Record<string, Record<string, Json>>;

/** The routes a synthesised stack deploys, with their authorization, callbacks left out. */
function merchantRoutes(synthesised: ReturnType<typeof synthReservations>) {
  return Object.values(synthesised.template.findResources('AWS::ApiGatewayV2::Route'))
    .map((route) => route.Properties as { RouteKey: string; AuthorizationType?: string })
    .filter((route) => !route.RouteKey.includes(' /callbacks/'));
}

/** `GET /reservations/{reservationId}` for each path and method of the document. */
function documentedRouteKeys(): string[] {
  return Object.entries(paths()).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe(`the OpenAPI document ${OPENAPI_PATH}`, () => {
  it('is what the handlers’ schemas and the operations list generate today', () => {
    expect(
      committedOpenApiText() === generatedOpenApiText(),
      `${OPENAPI_PATH} is out of date: run \`npm run docs\` and commit the result.`,
    ).toBe(true);
  });

  it('has exactly the merchant routes the synthesised stack deploys, callbacks excluded', () => {
    const deployed = merchantRoutes(synthReservations()).map((route) => route.RouteKey);
    expect(deployed.length).toBeGreaterThan(0);
    expect(documentedRouteKeys().sort()).toEqual(deployed.sort());
  });

  it('names the security of every authorization the construct deploys: SigV4 (IAM) or a JWT', () => {
    const jwt = synthReservations({
      authorization: { mode: 'jwt', issuer: 'https://issuer.example', audience: ['merchant'] },
    });
    const types = new Set(
      [...merchantRoutes(synthReservations()), ...merchantRoutes(jwt)].map(
        (route) => route.AuthorizationType,
      ),
    );
    expect(types).toEqual(new Set(['AWS_IAM', 'JWT']));
    const schemes = (document().components as { securitySchemes: Record<string, Json> })
      .securitySchemes;
    expect(schemes.sigv4).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(schemes.jwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(document().security).toEqual([{ sigv4: [] }, { jwt: [] }]);
  });

  it('holds schemas a strict JSON Schema 2020-12 validator compiles, every $ref resolving', () => {
    const { components } = document() as { components: { schemas: Record<string, Json> } };
    const ajv = new Ajv2020({ strict: true });
    addFormats.default(ajv);
    // The components under one URI, their `$ref`s pointing there: each must resolve.
    const refsToDefs = (schema: unknown) =>
      JSON.parse(
        JSON.stringify(schema).replaceAll(
          '"#/components/schemas/',
          '"urn:merchant-api:components#/$defs/',
        ),
      );
    ajv.addSchema(refsToDefs({ $id: 'urn:merchant-api:components', $defs: components.schemas }));
    const unresolved = Object.keys(components.schemas).filter((name) => {
      try {
        ajv.compile(refsToDefs({ $ref: `#/components/schemas/${name}` }));
        return false;
      } catch {
        return true;
      }
    });
    expect(unresolved).toEqual([]);
    const parameters = Object.values(paths()).flatMap((operations) =>
      Object.values(operations).flatMap((operation) => (operation.parameters ?? []) as Json[]),
    );
    for (const parameter of parameters.filter((each) => each.schema)) {
      expect(() => ajv.compile(parameter.schema as Json), String(parameter.name)).not.toThrow();
    }
  });

  it('documents the Idempotency-Key on every operation with a body, and its replay header', () => {
    for (const [path, operations] of Object.entries(paths())) {
      for (const [method, operation] of Object.entries(operations)) {
        const withBody = operation.requestBody !== undefined;
        const parameters = JSON.stringify(operation.parameters ?? []);
        expect(parameters.includes('IdempotencyKey'), `${method} ${path}`).toBe(withBody);
        const responses = operation.responses as Record<string, Json>;
        const success = Object.keys(responses).filter((status) => status.startsWith('2'));
        expect(success, `${method} ${path}`).toHaveLength(1);
        const replayHeader = JSON.stringify(responses[success[0] ?? '']?.headers ?? {});
        expect(replayHeader.includes('IdempotentReplayed'), `${method} ${path}`).toBe(withBody);
      }
    }
  });
});
