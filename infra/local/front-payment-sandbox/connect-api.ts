import { validateCreatePayload } from './create-payload-rules.ts';
import { summariseCreatePayload } from './create-payload-summary.ts';
import {
  badRequest,
  type Envelope,
  forbidden,
  internalError,
  invalidRequest,
  malformedJson,
  methodNotAllowed,
  payloadTooLarge,
  paymentGatewayError,
  requestTimeout,
  reservationNotFound,
  routeNotFound,
  serviceUnavailable,
  success,
  tooManyRequests,
  unauthorized,
  validationFailed,
} from './envelope.ts';
import { reservationHistory } from './history-api.ts';
import { isJsonContentType, parseJson, sendHtml, sendJson } from './http-io.ts';
import { dataGet, type FieldErrors, isRecord, type RuleSet, validate } from './laravel-rules.ts';
import {
  CANCEL_RULES,
  CAPTURE_RULES,
  COMPLETE_RULES,
  chargeRules,
  REFUND_RULES,
} from './operation-payload-rules.ts';
import { statusWord } from './quirks.ts';
import { reservationDetails } from './reservation-details.ts';
import type { StatusChange } from './reservation-store.ts';
import { matchRoute, type Route } from './router.ts';
import { bodyText, type SandboxContext, type SandboxRequest } from './sandbox-context.ts';
import { SandboxRefusalError, SandboxReservationNotFoundError } from './sandbox-errors.ts';
import type { SandboxFault, SandboxFaultStatus, SandboxReservation } from './types.ts';

/** Faults that let the request be served and then spoil its answer. */
const spoiledAnswers = new WeakMap<
  SandboxRequest,
  { readonly fault: SandboxFault; readonly context: SandboxContext }
>();

/** One request to `/api/v1/connect/*`, its JSON input read the way Laravel reads it. */
interface ConnectCall {
  readonly context: SandboxContext;
  readonly request: SandboxRequest;
  /** The JSON body when the content type is JSON, otherwise an empty input. */
  readonly input: unknown;
}

const RESERVATIONS = '^/api/v1/connect/reservations';
const ROUTES: readonly Route<ConnectCall>[] = [
  { methods: ['POST'], pattern: new RegExp(`${RESERVATIONS}/create$`), handle: create },
  { methods: ['GET'], pattern: new RegExp(`${RESERVATIONS}/details/([^/]+)$`), handle: details },
  {
    methods: ['GET'],
    pattern: new RegExp(`${RESERVATIONS}/history(?:/(\\d+)/(\\d+))?$`),
    handle: history,
  },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATIONS}/capture/([^/]+)$`), handle: capture },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATIONS}/charge/([^/]+)$`), handle: charge },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATIONS}/refund/([^/]+)$`), handle: refund },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATIONS}/complete/([^/]+)$`), handle: complete },
  { methods: ['POST'], pattern: new RegExp(`${RESERVATIONS}/resend/([^/]+)$`), handle: resend },
  // The docs say GET, the public Ruby client sends POST: both are served.
  {
    methods: ['GET', 'POST'],
    pattern: new RegExp(`${RESERVATIONS}/cancel/([^/]+)$`),
    handle: cancel,
  },
];

/**
 * Front Payment's Connect API. Order per request: record the call, apply an injected fault,
 * check the body size, the bearer token, the route, the JSON, then the endpoint's own rules.
 */
export async function handleConnectApi(
  context: SandboxContext,
  request: SandboxRequest,
): Promise<void> {
  const text = bodyText(request);
  const json = parseJson(text);
  context.calls.push({
    method: request.method,
    path: request.incoming.url ?? request.pathname,
    authorization: request.incoming.headers.authorization,
    body: json.malformed ? text : json.value,
    receivedAt: new Date().toISOString(),
  });

  // Links left unpaid past their due date expire, as time passes at Front Payment.
  context.store.expireUnpaid(new Date());
  const fault = context.faults.take();
  if (fault && !(await applyFault(context, request, fault))) return;

  if (request.body.tooLarge) return respond(request, payloadTooLarge(context.bodyLimitBytes));
  if (!isAuthorised(request, context.token)) return respond(request, unauthorized());

  const match = matchRoute(ROUTES, request.method, request.pathname);
  if (match.kind === 'not-found') return respond(request, routeNotFound());
  if (match.kind === 'method-not-allowed') return respond(request, methodNotAllowed());

  const jsonBody = isJsonContentType(request.incoming);
  if (jsonBody && json.malformed) return respond(request, malformedJson());
  const input = jsonBody && isRecord(json.value) ? json.value : {};
  try {
    await match.route.handle({ context, request, input }, match.parameters);
  } catch (error) {
    respond(request, envelopeOf(error));
  }
}

/** False when the fault already answered (or dropped) the request. */
async function applyFault(
  context: SandboxContext,
  request: SandboxRequest,
  fault: SandboxFault,
): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      // The request is then served normally: a slow Front Payment still does the work.
      return context.sleeper.sleep(fault.delayMs);
    case 'drop-connection':
      request.incoming.socket.destroy();
      return false;
    case 'status':
      if (fault.afterCommit) {
        spoiledAnswers.set(request, { fault, context });
        return true;
      }
      sendFaultStatus(request, fault.statusCode, context);
      return false;
    case 'broken-answer':
      spoiledAnswers.set(request, { fault, context });
      return true;
  }
}

/** 502 and 504 come from a proxy in front of Front Payment: an HTML page, not its envelope. */
function sendFaultStatus(
  request: SandboxRequest,
  statusCode: SandboxFaultStatus,
  context: SandboxContext,
): void {
  if (statusCode === 502 || statusCode === 504) {
    const title = statusCode === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
    sendHtml(request.response, statusCode, `<html><body><h1>${title}</h1></body></html>`);
    return;
  }
  const envelope = faultEnvelope(statusCode, context);
  sendJson(request.response, envelope.statusCode, envelope.body);
}

function faultEnvelope(
  statusCode: Exclude<SandboxFaultStatus, 502 | 504>,
  context: SandboxContext,
): Envelope {
  switch (statusCode) {
    case 400:
      return badRequest('badRequest', ['The request was refused (sandbox fault).']);
    case 401:
      return unauthorized();
    case 403:
      return forbidden();
    case 404:
      return reservationNotFound();
    case 408:
      return requestTimeout();
    case 417:
      return validationFailed(
        { 'customerDetails.email': ['The customer details.email must be a valid email address.'] },
        context.quirks().validationErrorStyle,
      );
    case 422:
      return invalidRequest(['The request was refused (sandbox fault).']);
    case 429:
      return tooManyRequests();
    case 500:
      return internalError(['Injected sandbox fault.'], new Date());
    case 503:
      return serviceUnavailable();
    case 510:
      return paymentGatewayError();
  }
}

function isAuthorised(request: SandboxRequest, token: string): boolean {
  const header = request.incoming.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1] === token;
}

async function create(call: ConnectCall): Promise<void> {
  const { context, request, input } = call;
  const errors = validateCreatePayload(
    input,
    context.allowedTaxRates,
    Math.floor(Date.now() / 1000),
  );
  if (hasErrors(errors)) return rejectPayload(call, errors);
  const reservation = context.store.create(summariseCreatePayload(input), input, new Date());
  respond(
    request,
    success(201, 'Reservation Submitted Successfully', {
      customerUuid: reservation.customerUuid,
      reservationUuid: reservation.reservationUuid,
      paymentUrl: `${context.baseUrl()}/checkout/${reservation.reservationUuid}`,
    }),
  );
}

async function details(call: ConnectCall, [uuid]: readonly string[]): Promise<void> {
  const reservation = call.context.store.find(uuid ?? '');
  if (!reservation) return respond(call.request, reservationNotFound());
  respond(
    call.request,
    success(
      200,
      'reservationRetrievedSuccessfully',
      reservationDetails(reservation, call.context.quirks()),
    ),
  );
}

/** Without a window, the last 24 hours, as Front Payment documents. */
async function history(call: ConnectCall, [start, end]: readonly string[]): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const data = reservationHistory(
    call.context.store.list(),
    start === undefined ? now - 24 * 3600 : Number(start),
    end === undefined ? now : Number(end),
  );
  respond(call.request, success(200, 'reservationHistoryRetrievedSuccessfully', data));
}

async function capture(call: ConnectCall, [uuid = '']: readonly string[]): Promise<void> {
  const { context, request, input } = call;
  if (rejectedByRules(call, CAPTURE_RULES)) return;
  const reservation = context.store.find(uuid);
  if (!reservation) return respond(request, reservationNotFound());
  const unknownProducts = unknownProductIds(input, reservation);
  if (hasErrors(unknownProducts)) return rejectPayload(call, unknownProducts);
  const products = dataGet(input, 'products') ?? {};
  const lines = Object.keys(products).map((key) => ({
    id: Number(dataGet(products, `${key}.id`)),
    amount: Number(dataGet(products, `${key}.amount`)),
  }));
  const change = context.store.capture(
    uuid,
    Number(dataGet(input, 'grandTotal')),
    new Date(),
    lines,
  );
  respond(
    request,
    success(202, 'Reservation Captured Successfully', {
      reservationUuid: uuid,
      // The documented name; the older `captureUuid` stays for clients that read it.
      uuid: change.reference,
      captureUuid: change.reference,
      amount: change.amount,
    }),
  );
  notifyAfterAnswer(context, change);
}

async function charge(call: ConnectCall, [uuid = '']: readonly string[]): Promise<void> {
  const { context, request, input } = call;
  if (rejectedByRules(call, chargeRules(context.allowedTaxRates))) return;
  const change = context.store.charge(uuid, Number(dataGet(input, 'grandTotal')), new Date());
  respond(
    request,
    success(202, 'Reservation Charged Successfully', {
      reservationUuid: uuid,
      uuid: change.reference,
      chargeUuid: change.reference,
      amount: change.amount,
    }),
  );
  notifyAfterAnswer(context, change);
}

/**
 * `{type: "reservation", grandTotal, products: [{id, amount}], source: "captured"|"charged",
 * reference: CAP…/CHA…}`. Accepted (202) and, unlike capture and charge, no callback follows.
 */
async function refund(call: ConnectCall, [uuid = '']: readonly string[]): Promise<void> {
  const { context, request, input } = call;
  if (rejectedByRules(call, REFUND_RULES)) return;
  const reference = dataGet(input, 'reference');
  context.store.refund(
    uuid,
    {
      amount: Number(dataGet(input, 'grandTotal')),
      source: dataGet(input, 'source') === 'charged' ? 'charged' : 'captured',
      ...(typeof reference === 'string' && reference !== '' ? { reference } : {}),
    },
    new Date(),
  );
  respond(request, success(202, 'orderRefundedSuccessfully', { reservationUuid: uuid }));
}

async function cancel(call: ConnectCall, [uuid = '']: readonly string[]): Promise<void> {
  if (rejectedByRules(call, CANCEL_RULES)) return;
  const note = dataGet(call.input, 'note');
  const reservation = call.context.store.cancel(
    uuid,
    typeof note === 'string' ? note : undefined,
    new Date(),
  );
  respond(
    call.request,
    success(202, 'cancelledOrderSuccessfully', {
      reservationUuid: reservation.reservationUuid,
      status: statusWord(reservation.status, call.context.quirks(), 'details'),
    }),
  );
}

/** `{note}` (required): ends a paid reservation. No callback follows (none is documented). */
async function complete(call: ConnectCall, [uuid = '']: readonly string[]): Promise<void> {
  if (rejectedByRules(call, COMPLETE_RULES)) return;
  call.context.store.complete(uuid, String(dataGet(call.input, 'note')), new Date());
  respond(call.request, success(202, 'reservationCompletedSuccessfully', null));
}

/**
 * `{countryCode, msisdn}` and/or `{email}`: a new payment link. SMS needs both phone fields; one
 * channel at least. The contact data is not kept (the sandbox sends nothing).
 */
async function resend(call: ConnectCall, [uuid = '']: readonly string[]): Promise<void> {
  const { input } = call;
  const present = (path: string) => {
    const value = dataGet(input, path);
    return typeof value === 'string' && value !== '';
  };
  const errors: FieldErrors = {};
  if (present('email') && !/^[^@\s]+@[^@\s]+$/.test(String(dataGet(input, 'email')))) {
    errors.email = ['The email must be a valid email address.'];
  }
  if (present('msisdn') !== present('countryCode')) {
    const missing = present('msisdn') ? 'countryCode' : 'msisdn';
    errors[missing] = [`The ${missing} field is required when sending by SMS.`];
  }
  if (!present('email') && !present('msisdn')) {
    errors.email = ['The email field is required when msisdn is not present.'];
  }
  if (hasErrors(errors)) return rejectPayload(call, errors);
  call.context.store.resend(uuid);
  respond(call.request, success(202, 'resentOrderSuccessfully', null));
}

/** The answer goes out first; the callback follows, bounded by the callback timeout. */
function notifyAfterAnswer(context: SandboxContext, change: StatusChange): void {
  void context.callbacks.notify(change);
}

function unknownProductIds(input: unknown, reservation: SandboxReservation): FieldErrors {
  const known = new Set(reservation.products.map((product) => String(product.id)));
  const products = dataGet(input, 'products');
  const errors: FieldErrors = {};
  for (const key of Object.keys(products ?? {})) {
    if (!known.has(String(dataGet(products, `${key}.id`)))) {
      errors[`products.${key}.id`] = [`The selected products.${key}.id is invalid.`];
    }
  }
  return errors;
}

function rejectedByRules(call: ConnectCall, rules: RuleSet): boolean {
  const errors = validate(call.input, rules, Math.floor(Date.now() / 1000));
  if (!hasErrors(errors)) return false;
  rejectPayload(call, errors);
  return true;
}

function rejectPayload(call: ConnectCall, errors: FieldErrors): void {
  respond(call.request, validationFailed(errors, call.context.quirks().validationErrorStyle));
}

function hasErrors(errors: FieldErrors): boolean {
  return Object.keys(errors).length > 0;
}

function envelopeOf(error: unknown): Envelope {
  if (error instanceof SandboxReservationNotFoundError) return reservationNotFound();
  if (error instanceof SandboxRefusalError) return badRequest(error.code, [error.message]);
  return internalError([error instanceof Error ? error.message : String(error)], new Date());
}

function respond(request: SandboxRequest, envelope: Envelope): void {
  const spoiled = spoiledAnswers.get(request);
  if (spoiled?.fault.kind === 'status') {
    sendFaultStatus(request, spoiled.fault.statusCode, spoiled.context);
    return;
  }
  if (spoiled?.fault.kind === 'broken-answer') {
    const text = JSON.stringify(envelope.body);
    request.response.writeHead(envelope.statusCode, { 'content-type': 'application/json' });
    request.response.end(text.slice(0, Math.floor(text.length / 2)));
    return;
  }
  sendJson(request.response, envelope.statusCode, envelope.body);
}
