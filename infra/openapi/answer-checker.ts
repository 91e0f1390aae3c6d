import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { RouteAnswer } from '../local/lambda-http-server.ts';

type Json = Record<string, unknown>;

export interface AnswerChecker {
  /** Checks one answer; an answer of a route the document does not have (callbacks) is skipped. */
  check(answer: RouteAnswer): void;
  /** What did not match the document, one line each, in the order seen. */
  readonly violations: readonly string[];
}

/**
 * Checks real answers against the OpenAPI document, not against the valibot schemas it was
 * generated from (that would prove nothing): status, content type, documented headers and body,
 * with a JSON Schema 2020-12 validator (OpenAPI 3.1's dialect).
 */
export function createAnswerChecker(document: Json): AnswerChecker {
  // The document is not a schema: unknown keywords (`openapi`, `paths`) are ignored, and each
  // answer schema is reached by a JSON pointer into it, so its `$ref`s resolve inside it.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document, DOCUMENT_ID);
  const validators = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string) => {
    let validate = validators.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      validators.set(pointer, validate);
    }
    return validate;
  };
  const paths = (document.paths ?? {}) as Record<string, Record<string, Json>>;
  const violations: string[] = [];

  const check = (answer: RouteAnswer) => {
    const method = answer.method.toLowerCase();
    const operation = paths[answer.route]?.[method];
    if (!operation) return;
    const where = `${answer.method} ${answer.route} → ${answer.statusCode}`;
    const status = String(answer.statusCode);
    const response = (operation.responses as Record<string, Json>)[status];
    if (!response) {
      violations.push(`${where}: the status is not documented`);
      return;
    }
    const base = `/paths/${pointerSegment(answer.route)}/${method}/responses/${status}`;
    for (const [name, header] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const value = answer.headers[name.toLowerCase()];
      const pointer =
        typeof header.$ref === 'string'
          ? `${header.$ref.slice(1)}/schema`
          : `${base}/headers/${pointerSegment(name)}/schema`;
      if (value !== undefined && !validatorAt(pointer)(value)) {
        violations.push(`${where}: header ${name} is not as documented`);
      }
    }
    const contentType = (answer.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!Object.hasOwn((response.content ?? {}) as Json, contentType)) {
      violations.push(`${where}: content type "${contentType}" is not documented`);
      return;
    }
    const body = parseJson(answer.body);
    if (body === INVALID) {
      violations.push(`${where}: the body is not JSON`);
      return;
    }
    const validate = validatorAt(`${base}/content/${pointerSegment(contentType)}/schema`);
    if (!validate(body)) {
      violations.push(`${where}: ${(validate.errors ?? []).map(describe).join('; ')}`);
    }
  };
  return { check, violations };
}

const DOCUMENT_ID = 'urn:merchant-api:openapi';

/** One schema error, naming the field (values are left out: they may be personal data). */
function describe(error: ErrorObject): string {
  const extra = error.params as { additionalProperty?: string };
  const field = extra.additionalProperty ? ` (${extra.additionalProperty})` : '';
  return `body${error.instancePath} ${error.message ?? 'is invalid'}${field}`;
}
const INVALID = Symbol('invalid');

/** A JSON pointer segment (RFC 6901), as a URI fragment needs it. */
function pointerSegment(segment: string): string {
  return encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1'));
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return INVALID;
  }
}
