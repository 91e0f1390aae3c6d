/**
 * A local stand-in for Front Payment's FrontGo Connect API, for tests, `npm start` and the demo.
 * See `docs/front-payment.md` for the protocol it follows.
 *
 * Front Payment's API (Bearer token required, answers in Front Payment's envelope):
 * - POST /api/v1/connect/reservations/create          validates like Front Payment (417 + field
 *   messages), 201 with `paymentUrl` = `<url>/checkout/RES…`
 * - GET  /api/v1/connect/reservations/details/{uuid}  with `referenceNumber` and `customerReference`
 * - GET  /api/v1/connect/reservations/history/{start}/{end}  every event of every reservation in
 *   the window (unix seconds), `datetime` zone-less Oslo text, `amount` a string
 * A link left unpaid past its `dueDateForPaymentLink` becomes EXPIRED (no callback).
 * - POST /api/v1/connect/reservations/capture/{uuid}  partial captures up to the reserved amount
 * - POST /api/v1/connect/reservations/charge/{uuid}   repeatable
 * - POST /api/v1/connect/reservations/refund/{uuid}   no callback follows (none is documented)
 * - GET|POST /api/v1/connect/reservations/cancel/{uuid}
 *
 * Checkout page (what `paymentUrl` opens): GET /checkout/{uuid}; its forms POST
 * /checkout/{uuid}/pay (`method=visa|mastercard`) and /checkout/{uuid}/decline, then 303 to the
 * reservation's `callback.success` / `callback.failure` (or a sandbox page when absent).
 *
 * Control API (JSON, no auth, for other processes):
 * - GET    /_sandbox/reservations, /_sandbox/reservations/{uuid}, /_sandbox/calls,
 *          /_sandbox/callbacks, /_sandbox/faults, /_sandbox/quirks
 * - POST   /_sandbox/faults        body: a SandboxFault, e.g. {"kind":"status","statusCode":500}:
 *          a status (400, 401, 403, 404, 408, 417, 422, 429, 500, 502, 503, 504, 510; `afterCommit` serves
 *          the request first), a delay, a dropped connection, or a `broken-answer` (cut-off JSON)
 * - DELETE /_sandbox/faults
 * - POST   /_sandbox/quirks        body: partial SandboxQuirks, e.g. {"misspellReserved":true}
 * - POST   /_sandbox/reservations/{uuid}/flush-callbacks  sends callbacks held by
 *          `reverseCallbackOrder` or `dropCallbacks`, newest first; answers {"delivered": SandboxCallback[]}
 * - POST   /_sandbox/reservations/{uuid}/pay {"method":"visa"}, …/decline,
 *          …/capture {"amount":100}, …/charge {"amount":50}  (as a person or merchant would),
 *          …/refund {"amount":20,"source":"captured","reference":"CAP…"} (source and reference
 *          optional: captured, the latest one)
 */
import type { AddressInfo } from 'node:net';
import { CallbackSender } from './callback-sender.ts';
import { DEFAULT_TAX_RATES } from './create-payload-rules.ts';
import { FaultInjector } from './fault-injector.ts';
import { IdGenerator } from './ids.ts';
import { DEFAULT_QUIRKS } from './quirks.ts';
import { ReservationStore } from './reservation-store.ts';
import type { SandboxContext } from './sandbox-context.ts';
import {
  captureReservation,
  chargeReservation,
  declineReservation,
  payReservation,
} from './sandbox-operations.ts';
import { createSandboxServer } from './sandbox-server.ts';
import { Sleeper } from './sleeper.ts';
import type {
  FrontPaymentSandboxOptions,
  RunningFrontPaymentSandbox,
  SandboxCall,
  SandboxCallback,
  SandboxQuirks,
} from './types.ts';

export type { ChecksumFormula } from '#shared/front-payment/callback-checksum';
export { type ExampleCreatePayload, exampleCreatePayload } from './example-payload.ts';
export { DEFAULT_QUIRKS } from './quirks.ts';
export type * from './types.ts';

const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_CALLBACK_TIMEOUT_MS = 5_000;

export async function startFrontPaymentSandbox(
  options: FrontPaymentSandboxOptions,
): Promise<RunningFrontPaymentSandbox> {
  const host = options.host ?? '127.0.0.1';
  let quirks: SandboxQuirks = { ...DEFAULT_QUIRKS, ...options.quirks };
  let baseUrl = '';
  const calls: SandboxCall[] = [];
  const callbackLog: SandboxCallback[] = [];
  const ids = new IdGenerator();
  const callbackTimeoutMs = options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
  const context: SandboxContext = {
    baseUrl: () => baseUrl,
    token: options.token,
    store: new ReservationStore(ids),
    callbacks: new CallbackSender({
      secret: options.callbackSecret,
      formula: options.checksumFormula ?? 'all-parameters',
      quirks: () => quirks,
      timeoutMs: callbackTimeoutMs,
      record: (callback) => callbackLog.push(callback),
    }),
    faults: new FaultInjector(),
    sleeper: new Sleeper(),
    calls,
    callbackLog,
    quirks: () => quirks,
    setQuirks: (changes) => {
      quirks = { ...quirks, ...changes };
    },
    allowedTaxRates: options.allowedTaxRates ?? DEFAULT_TAX_RATES,
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
  };

  const server = createSandboxServer(context);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${urlHost(host)}:${port}`;

  return {
    url: baseUrl,
    calls,
    callbacks: callbackLog,
    reservations: () => context.store.list(),
    injectFault: (fault) => context.faults.inject(fault),
    clearFaults: () => context.faults.clear(),
    setQuirks: (changes) => context.setQuirks(changes),
    pay: (uuid, method) => payReservation(context, uuid, method),
    decline: async (uuid) => declineReservation(context, uuid),
    capture: (uuid, amount) => captureReservation(context, uuid, amount),
    charge: (uuid, amount) => chargeReservation(context, uuid, amount),
    refund: async (uuid, refund, at = new Date()) => {
      context.store.refund(uuid, refund, at);
    },
    flushCallbacks: (uuid) => context.callbacks.flush(uuid),
    settled: () => context.callbacks.settled(),
    stop: async () => {
      context.sleeper.abortAll();
      context.callbacks.discardHeld();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, context.callbacks.settled()]);
    },
  };
}

/** A wildcard listen address is reached through loopback; IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
