import { readFileSync } from 'node:fs';
import type { JsonSchema } from '@valibot/to-json-schema';
import { MAX_IDEMPOTENCY_KEY_LENGTH, PRINTABLE_ASCII } from '#shared/http/idempotency-key';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '#shared/http/problem';
import { GATEWAY_STATUSES, GatewayMessageSchema } from './gateway-answer.ts';
import { answerJsonSchemas, COMPONENT_SCHEMAS, requestJsonSchema } from './json-schemas.ts';
import {
  MERCHANT_OPERATIONS,
  type MerchantOperation,
  PATH_PARAMETERS,
} from './merchant-operations.ts';

type Json = Record<string, unknown>;

/** What our handlers' error answers mean, per status (the problem's `code` says which case). */
const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'A field, header or parameter is invalid: `errors` names each one.',
  404: 'There is no reservation with this id.',
  409: 'The Idempotency-Key was used with another body; or the first request with it is still running (`retry-after`); or a state rule forbids the command; or an earlier attempt’s outcome is unknown (it is not sent again).',
  413: 'The body is over this route’s limit.',
  415: 'The body is not JSON in UTF-8.',
  422: 'Front Payment refused the request: `errors` carries its field messages.',
  500: 'Our error: `retryable` says whether the same request may be sent again.',
  502: 'Front Payment failed or could not be reached: `retryable` says whether the same request may be sent again.',
  504: 'Front Payment or the function ran out of time: `retryable` says whether the same request may be sent again.',
};

const JSON_CONTENT_TYPE = 'application/json';
const ref = (name: string) => ({ $ref: `${COMPONENT_SCHEMAS}${name}` });

/**
 * The OpenAPI 3.1 document of the merchant API, generated from `MERCHANT_OPERATIONS` and the
 * valibot schemas the handlers use. `npm run docs` writes it to docs/openapi.json.
 */
export function merchantApiDocument(): Json {
  const answers = answerJsonSchemas({
    ...Object.fromEntries(
      MERCHANT_OPERATIONS.map(({ answer }) => [answer.name, answer.schema] as const),
    ),
    Problem: ProblemSchema,
    GatewayMessage: GatewayMessageSchema,
  });
  const requests = Object.fromEntries(
    MERCHANT_OPERATIONS.flatMap(({ body }) =>
      body ? [[body.name, withoutDialect(requestJsonSchema(body.schema))] as const] : [],
    ),
  );
  const paths: Record<string, Json> = {};
  for (const operation of MERCHANT_OPERATIONS) {
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method.toLowerCase()]: operationObject(operation),
    };
  }
  return {
    openapi: '3.1.1',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Front Payment reservations: merchant API',
      version: packageVersion(),
      description:
        'Reservations at Front Payment (FrontGo Connect) from a merchant’s services: create one, read it, and capture, charge, cancel, complete, refund or resend it. Every error our functions answer is `application/problem+json`; API Gateway’s own answers (authorization, throttling, a failed function) are `{"message": …}`. Generated from the handlers’ valibot schemas by `npm run docs`.',
    },
    servers: [
      {
        url: '{apiUrl}',
        description:
          'The stack’s ApiUrl output, or the local API of `npm start` (which needs no signature).',
        variables: { apiUrl: { default: 'http://127.0.0.1:3000' } },
      },
    ],
    // Either, as the construct is configured: IAM (the default) or a JWT authorizer.
    security: [{ sigv4: [] }, { jwt: [] }],
    paths,
    components: {
      schemas: { ...requests, ...answers },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: true,
          description:
            'One key per logical request, sent again on every retry of it: the request reaches Front Payment once per key (scoped to the caller). Printable ASCII without spaces or commas.',
          schema: {
            type: 'string',
            minLength: 1,
            maxLength: MAX_IDEMPOTENCY_KEY_LENGTH,
            pattern: PRINTABLE_ASCII.source,
            // API Gateway joins a repeated header with commas, so a key with one is refused.
            not: { pattern: ',' },
          },
        },
      },
      headers: {
        IdempotentReplayed: {
          description: '`true` when this is the answer to an earlier request with the same key.',
          schema: { type: 'string', enum: ['true'] },
        },
        RetryAfter: {
          description: 'Seconds to wait before sending the same request again.',
          schema: { type: 'string', pattern: '^\\d+$' },
        },
      },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 for the `execute-api` service (IAM authorization, the default). The caller needs `execute-api:Invoke` on the route: `grantCreateReservation`, `grantManageReservations` or `grantReadReservations` gives it.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'Only when the construct’s `authorization` is `{ mode: "jwt", issuer, audience, scopes? }`: a token of that issuer for one of those audiences (and with one of the scopes, when given).',
        },
      },
    },
  };
}

function operationObject(operation: MerchantOperation): Json {
  const pathNames = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  const parameters = [
    ...pathNames.map((name) => {
      const schema = PATH_PARAMETERS[name];
      if (!schema) throw new Error(`No schema in PATH_PARAMETERS for {${name}}`);
      return {
        name,
        in: 'path',
        required: true,
        schema: withoutDialect(requestJsonSchema(schema)),
      };
    }),
    ...Object.entries(operation.query ?? {}).map(([name, query]) => ({
      name,
      in: 'query',
      required: false,
      description: query.description,
      schema: withoutDialect(requestJsonSchema(query.schema)),
    })),
    ...(operation.body ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    description: operation.description,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: false,
            content: { [JSON_CONTENT_TYPE]: { schema: ref(operation.body.name) } },
          },
        }
      : {}),
    responses: {
      [operation.answer.status]: {
        description: operation.answer.description,
        ...(operation.body
          ? {
              headers: {
                'Idempotent-Replayed': { $ref: '#/components/headers/IdempotentReplayed' },
              },
            }
          : {}),
        content: { [JSON_CONTENT_TYPE]: { schema: ref(operation.answer.name) } },
      },
      ...errorResponses(operation),
    },
  };
}

/** Each error status: our problem details, API Gateway's message, or either. */
function errorResponses(operation: MerchantOperation): Record<string, Json> {
  const statuses = [
    ...new Set([...operation.errors, ...Object.keys(GATEWAY_STATUSES).map(Number)]),
  ].sort((left, right) => left - right);
  return Object.fromEntries(
    statuses.map((status) => {
      const ours = operation.errors.includes(status);
      const gateway = GATEWAY_STATUSES[status];
      const description = [
        ours ? ERROR_MEANINGS[status] : undefined,
        gateway && `API Gateway: ${gateway}`,
      ]
        .filter(Boolean)
        .join(' ');
      return [
        String(status),
        {
          description,
          ...(status === 409 && ours
            ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } }
            : {}),
          content: {
            ...(ours ? { [PROBLEM_CONTENT_TYPE]: { schema: ref('Problem') } } : {}),
            ...(gateway ? { [JSON_CONTENT_TYPE]: { schema: ref('GatewayMessage') } } : {}),
          },
        },
      ];
    }),
  );
}

/** A nested schema takes the document's dialect (`jsonSchemaDialect`): no `$schema` of its own. */
function withoutDialect({ $schema: _dialect, ...schema }: JsonSchema): JsonSchema {
  return schema;
}

function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
