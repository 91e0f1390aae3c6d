import * as v from 'valibot';
import { SandboxFaultSchema } from './fault-injector.ts';
import { parseJson, sendJson, sendNoContent } from './http-io.ts';
import type { RefundRequest } from './reservation-store.ts';
import { matchRoute, type Route } from './router.ts';
import { bodyText, type SandboxContext, type SandboxRequest } from './sandbox-context.ts';
import { SandboxRefusalError, SandboxReservationNotFoundError } from './sandbox-errors.ts';
import {
  captureReservation,
  chargeReservation,
  declineReservation,
  payReservation,
} from './sandbox-operations.ts';
import type { SandboxFault, SandboxQuirks } from './types.ts';

const QuirksSchema = v.strictObject({
  perChangeAmounts: v.optional(v.boolean()),
  misspellReserved: v.optional(v.boolean()),
  duplicateCallbacks: v.optional(v.boolean()),
  reverseCallbackOrder: v.optional(v.boolean()),
  dropCallbacks: v.optional(v.boolean()),
  statusCase: v.optional(v.picklist(['upper', 'capitalized'])),
  validationErrorStyle: v.optional(v.picklist(['keyed', 'list'])),
});

const PayBodySchema = v.object({ method: v.picklist(['visa', 'mastercard']) });
const AmountBodySchema = v.object({ amount: v.pipe(v.number(), v.gtValue(0)) });
const RefundBodySchema = v.object({
  amount: v.pipe(v.number(), v.gtValue(0)),
  source: v.optional(v.picklist(['captured', 'charged']), 'captured'),
  reference: v.optional(v.pipe(v.string(), v.nonEmpty())),
});

interface ControlCall {
  readonly context: SandboxContext;
  readonly request: SandboxRequest;
  readonly json: unknown;
}

const RESERVATION = '^/_sandbox/reservations/([^/]+)';
const ROUTES: readonly Route<ControlCall>[] = [
  { methods: ['GET'], pattern: /^\/_sandbox\/reservations$/, handle: listReservations },
  { methods: ['GET'], pattern: new RegExp(`${RESERVATION}$`), handle: getReservation },
  { methods: ['GET'], pattern: /^\/_sandbox\/calls$/, handle: listCalls },
  { methods: ['GET'], pattern: /^\/_sandbox\/callbacks$/, handle: listCallbacks },
  { methods: ['GET'], pattern: /^\/_sandbox\/faults$/, handle: listFaults },
  { methods: ['POST'], pattern: /^\/_sandbox\/faults$/, handle: injectFault },
  { methods: ['DELETE'], pattern: /^\/_sandbox\/faults$/, handle: clearFaults },
  { methods: ['GET'], pattern: /^\/_sandbox\/quirks$/, handle: getQuirks },
  { methods: ['POST'], pattern: /^\/_sandbox\/quirks$/, handle: setQuirks },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATION}/flush-callbacks$`), handle: flush },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATION}/pay$`), handle: pay },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATION}/decline$`), handle: decline },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATION}/capture$`), handle: capture },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATION}/charge$`), handle: charge },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATION}/refund$`), handle: refund },
];

/** The sandbox's own API for other processes (`npm start`, the demo); plain JSON, no auth. */
export async function handleControlApi(
  context: SandboxContext,
  request: SandboxRequest,
): Promise<void> {
  const match = matchRoute(ROUTES, request.method, request.pathname);
  if (match.kind === 'not-found') return reply(request, 404, { message: 'No such control route' });
  if (match.kind === 'method-not-allowed') {
    return reply(request, 405, { message: 'Method not allowed' });
  }
  if (request.body.tooLarge) return reply(request, 413, { message: 'Body too large' });
  const json = parseJson(bodyText(request));
  if (json.malformed) return reply(request, 400, { message: 'The body is not valid JSON' });
  try {
    await match.route.handle({ context, request, json: json.value }, match.parameters);
  } catch (error) {
    if (error instanceof SandboxReservationNotFoundError) {
      return reply(request, 404, { message: error.message });
    }
    if (error instanceof SandboxRefusalError) {
      return reply(request, 409, { message: error.message, code: error.code });
    }
    if (error instanceof v.ValiError) {
      return reply(request, 400, {
        message: 'Invalid body',
        issues: error.issues.map((issue) => `${v.getDotPath(issue) ?? '(body)'}: ${issue.message}`),
      });
    }
    throw error;
  }
}

async function listReservations({ context, request }: ControlCall) {
  reply(request, 200, context.store.list());
}

async function getReservation({ context, request }: ControlCall, [uuid = '']: readonly string[]) {
  const reservation = context.store.find(uuid);
  if (!reservation) throw new SandboxReservationNotFoundError(uuid);
  reply(request, 200, reservation);
}

async function listCalls({ context, request }: ControlCall) {
  reply(request, 200, context.calls);
}

async function listCallbacks({ context, request }: ControlCall) {
  reply(request, 200, context.callbackLog);
}

async function listFaults({ context, request }: ControlCall) {
  reply(request, 200, context.faults.pending());
}

async function injectFault({ context, request, json }: ControlCall) {
  context.faults.inject(withoutUndefined(v.parse(SandboxFaultSchema, json)) as SandboxFault);
  sendNoContent(request.response);
}

async function clearFaults({ context, request }: ControlCall) {
  context.faults.clear();
  sendNoContent(request.response);
}

async function getQuirks({ context, request }: ControlCall) {
  reply(request, 200, context.quirks());
}

async function setQuirks({ context, request, json }: ControlCall) {
  context.setQuirks(withoutUndefined(v.parse(QuirksSchema, json)) as Partial<SandboxQuirks>);
  reply(request, 200, context.quirks());
}

async function flush({ context, request }: ControlCall, [uuid = '']: readonly string[]) {
  if (!context.store.find(uuid)) throw new SandboxReservationNotFoundError(uuid);
  reply(request, 200, { delivered: await context.callbacks.flush(uuid) });
}

async function pay({ context, request, json }: ControlCall, [uuid = '']: readonly string[]) {
  const { method } = v.parse(PayBodySchema, json);
  await payReservation(context, uuid, method);
  reply(request, 200, context.store.find(uuid));
}

async function decline({ context, request }: ControlCall, [uuid = '']: readonly string[]) {
  declineReservation(context, uuid);
  reply(request, 200, context.store.find(uuid));
}

async function capture({ context, request, json }: ControlCall, [uuid = '']: readonly string[]) {
  await captureReservation(context, uuid, v.parse(AmountBodySchema, json).amount);
  reply(request, 200, context.store.find(uuid));
}

async function charge({ context, request, json }: ControlCall, [uuid = '']: readonly string[]) {
  await chargeReservation(context, uuid, v.parse(AmountBodySchema, json).amount);
  reply(request, 200, context.store.find(uuid));
}

async function refund({ context, request, json }: ControlCall, [uuid = '']: readonly string[]) {
  const body = v.parse(RefundBodySchema, json);
  context.store.refund(uuid, withoutUndefined(body) as RefundRequest, new Date());
  reply(request, 200, context.store.find(uuid));
}

/** Drops keys valibot set to undefined, for `exactOptionalPropertyTypes` targets. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

function reply(request: SandboxRequest, statusCode: number, body: unknown): void {
  sendJson(request.response, statusCode, body);
}
