/**
 * `npm run demo`: the typical flow against a running `npm start` (API_URL, default
 * http://127.0.0.1:3000; `npm start` prints the command for its port): create a reservation, pay
 * at the sandbox's checkout page, then through our API: capture part, capture the rest, refund
 * part, complete. Our API is called through the typed merchant client (shared/client), as a
 * merchant's service would call it. After each step it waits until the callback is processed and
 * prints the status history and the events on the bus. Exits non-zero when a step fails.
 */
import {
  type CommandAnswer,
  createMerchantClient,
  MerchantClientError,
} from '#shared/client/index';
import type { ReservationView } from './console/reservation-history.ts';
import { DEFAULT_API_URL, demoCommand } from './demo-command.ts';
import type { ReceivedEvent } from './event-bridge-stand-in.ts';
import { localAwsClientConfig } from './local-aws.ts';
import { LOCAL_DEFAULTS } from './local-defaults.ts';
import { createLocalStackClient, LocalStackClientError } from './local-stack-client.ts';
import { sampleReservationRequest } from './sample-reservation.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);
const money = (amount: number) =>
  `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} NOK`;
const time = (iso: string) => iso.slice(11, 19);

async function main(): Promise<void> {
  const apiUrl = (process.env.API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  const client = createLocalStackClient({
    apiUrl,
    frontPaymentToken: process.env.FRONT_PAYMENT_TOKEN ?? LOCAL_DEFAULTS.frontPaymentToken,
  });
  // Our API as a merchant's service calls it: the typed client, signing with SigV4 (the local
  // stack takes the access key as the caller and checks no signature) and retrying safely.
  const merchant = createMerchantClient({
    baseUrl: apiUrl,
    auth: {
      kind: 'sigv4',
      region: localAwsClientConfig.region,
      credentials: localAwsClientConfig.credentials,
    },
    onRetry: (retry) =>
      out(
        `   retry of ${retry.method} ${retry.path} after ${retry.reason}, in ${Math.round(retry.delayMs)} ms, same Idempotency-Key`,
      ),
  });
  out(`Front Payment reservations demo against ${apiUrl}`);
  const links = await client.stack().catch((error: unknown) => {
    throw error instanceof LocalStackClientError ? withApiUrlAdvice(error) : error;
  });
  if (!links.sandbox) {
    throw new LocalStackClientError(
      `The stack talks to a real Front Payment environment (${links.frontPayment}); the demo pays and captures through the sandbox. Start it without FRONT_PAYMENT_BASE_URL.`,
    );
  }
  const sandbox = links.sandbox;
  if ((await client.sandboxQuirks(sandbox)).reverseCallbackOrder) {
    throw new LocalStackClientError(
      'The sandbox holds callbacks (SANDBOX_QUIRKS=reverse-callback-order) until they are flushed through its control API; the demo needs them delivered. Start without that quirk, or flush by hand (docs/local.md).',
    );
  }
  const eventsBefore = (await client.events()).length;
  let step = 0;
  const heading = (text: string) => out(`\n${++step}. ${text}`);

  heading('Create a reservation (POST /reservations)');
  const created = await merchant.createReservation(
    sampleReservationRequest({ returnBaseUrl: apiUrl, referenceNo: `DEMO-${Date.now()}` }),
  );
  if (!created.paymentUrl) {
    throw new LocalStackClientError(
      `Reservation ${created.reservationId} came without a paymentUrl`,
    );
  }
  const paymentUrl = created.paymentUrl;
  out(`   reservation ${created.reservationId}`);
  out(`   Front Payment ${created.reservationUuid}, status ${created.status}`);
  out(`   paymentUrl ${paymentUrl}`);

  heading('Pay at the checkout page: switch Visa to Mastercard, pay');
  const paid = await client.payAtCheckout(paymentUrl, 'mastercard');
  out(`   redirected to ${paid.redirectedTo} (${paid.landingStatus})`);
  await report(created.reservationId, 'RESERVED', 1);

  const { productList } = await client.details(sandbox, created.reservationUuid);
  const [first] = productList;
  if (!first) throw new LocalStackClientError('The sandbox lists no product lines to capture');
  // Each command through our API; the client gives each its own Idempotency-Key, kept for retries.
  const printed = (answer: CommandAnswer) =>
    out(`   ${answer.command} ${answer.state}${answer.reference ? ` (${answer.reference})` : ''}`);

  heading(`Capture part (POST .../capture): ${first.name} (${money(first.amount)})`);
  printed(
    await merchant.capture(created.reservationId, {
      lines: [{ index: 0, amount: first.amount }],
      note: first.name,
    }),
  );
  await report(created.reservationId, 'CAPTURED', 1);

  heading('Capture the rest (POST .../capture with an empty body)');
  printed(await merchant.capture(created.reservationId, {}));
  await report(created.reservationId, 'CAPTURED', 2);

  heading('Refund part (POST .../refund): 200.00 NOK of the newest capture large enough');
  printed(await merchant.refund(created.reservationId, { amount: 200 }));
  await report(created.reservationId, 'REFUNDED', 1);

  heading('Complete (POST .../complete)');
  printed(await merchant.complete(created.reservationId, { note: 'Stay ended' }));
  const final = await report(created.reservationId, 'COMPLETED', 1);

  const published = (await client.events()).length - eventsBefore;
  out(
    `\nDone: ${final.history.map((entry) => entry.status).join(' -> ')}; ${published} events published.`,
  );
  out(`Console: ${apiUrl}/_local/`);

  /** Waits until the callback of the step is recorded and its event published, then prints. */
  async function report(reservationId: string, status: string, count: number) {
    const reservation = await client.waitForReservation(
      reservationId,
      (candidate) =>
        candidate.history.filter((entry) => entry.status === status && !entry.eventPending)
          .length >= count,
      `the ${status} callback`,
    );
    const events = (await client.events()).filter(
      (event) => detailOf(event).reservationId === reservationId,
    );
    printReservation(reservation);
    printEvents(events);
    return reservation;
  }
}

function printReservation(reservation: ReservationView): void {
  const { totals } = reservation;
  out(
    `   status ${reservation.status}: reserved ${money(totals.reserved)}, captured ${money(totals.captured)}, charged ${money(totals.charged)}, refunded ${money(totals.refunded)}`,
  );
  out('   history:');
  for (const entry of reservation.history) {
    out(
      `     ${time(entry.receivedAt)}  ${entry.status.padEnd(9)}${money(entry.amount).padStart(14)}  ${entry.reference ?? ''}`,
    );
  }
}

function printEvents(events: readonly ReceivedEvent[]): void {
  out(`   events on the bus (${events.length}):`);
  for (const event of events) {
    const detail = detailOf(event);
    out(
      `     ${time(event.time)}  ${event.detailType}: ${String(detail.status).padEnd(9)}${money(Number(detail.amount)).padStart(14)}  eventId ${String(detail.eventId).slice(0, 8)}`,
    );
  }
}

function detailOf(event: ReceivedEvent): Record<string, unknown> {
  return (event.detail ?? {}) as Record<string, unknown>;
}

/** The usual reason the first request fails: the stack runs on another port than API_URL's. */
function withApiUrlAdvice(error: LocalStackClientError): LocalStackClientError {
  const example = demoCommand(`http://${LOCAL_DEFAULTS.host}:3400`);
  return new LocalStackClientError(
    `${error.message} The demo calls the API at API_URL (${DEFAULT_API_URL} when not set). For a stack on another port, run the demo command \`npm start\` printed, e.g. \`${example}\`.`,
    { cause: error },
  );
}

try {
  await main();
} catch (error) {
  process.stderr.write(
    `\n✖ Demo failed: ${error instanceof LocalStackClientError || error instanceof MerchantClientError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
