import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { callsOf, PATH_CALLS } from '../../infra/docs/path-calls.ts';
import { startWarmPaths, type WarmPaths } from '../support/warm-paths.ts';

// Each path's calls as counted on the wire (DynamoDB Local, the sandbox and the local EventBridge
// behind counting proxies) against the list the docs show with a reason for each call: a call
// added or dropped without its reason fails here.

let paths: WarmPaths;

beforeAll(async () => {
  paths = await startWarmPaths({ dynamoDbEndpoint: inject('dynamoDbEndpoint') });
});

afterAll(async () => {
  await paths?.stop();
});

/** Paid, and its payment callback recorded: the usual state of a reservation before a command. */
async function reservedAndRecorded() {
  const created = await paths.paidReservation();
  await paths.deliver(
    paths.signedCallback(created.reservationUuid, 'RESERVED'),
    created.reservationId,
  );
  return created;
}

/** A reservation with a charge at Front Payment that nothing of ours has recorded yet. */
async function chargedAtFrontPayment() {
  const created = await reservedAndRecorded();
  await paths.sandbox.charge(created.reservationUuid, 100);
  return created;
}

const CHARGE = {
  products: [{ name: 'Minibar', rate: 400, tax: 25, amount: 500 }],
  grandTotal: 500,
};

type Scenarios<Page extends keyof typeof PATH_CALLS> = Record<
  keyof (typeof PATH_CALLS)[Page],
  () => Promise<string[]>
>;

const create: Scenarios<'create'> = {
  'create, new Idempotency-Key': () => paths.callsOf(() => paths.create(randomUUID())),
  'create, replayed Idempotency-Key': async () => {
    const key = randomUUID();
    await paths.create(key);
    return paths.callsOf(() => paths.create(key));
  },
};

/** The calls of `command` on a reservation in the usual state. */
async function commandCalls(command: string, body: unknown) {
  const { reservationId } = await reservedAndRecorded();
  return paths.callsOf(() => paths.command(reservationId, command, body));
}

const commands: Scenarios<'commands'> = {
  'GET /reservations/{id}': async () => {
    const { reservationId } = await reservedAndRecorded();
    return paths.callsOf(() => paths.read(reservationId));
  },
  'GET /reservations/{id}?refresh=true, nothing new': async () => {
    const { reservationId } = await reservedAndRecorded();
    return paths.callsOf(() => paths.read(reservationId, true));
  },
  capture: () => commandCalls('capture', { amount: 500 }),
  charge: () => commandCalls('charge', CHARGE),
  refund: async () => {
    const { reservationId, reservationUuid } = await reservedAndRecorded();
    await paths.command(reservationId, 'capture', { amount: 500 });
    await paths.deliver(paths.signedCallback(reservationUuid, 'CAPTURED'), reservationId);
    return paths.callsOf(() => paths.command(reservationId, 'refund', { amount: 100 }));
  },
  cancel: () => commandCalls('cancel', { note: 'guest cancelled' }),
  complete: () => commandCalls('complete', { note: 'stay ended' }),
  resend: async () => {
    const { reservationId } = await paths.create(randomUUID());
    return paths.callsOf(() =>
      paths.command(reservationId, 'resend', { email: 'guest@example.com' }),
    );
  },
  'any command, replayed Idempotency-Key': async () => {
    const { reservationId } = await reservedAndRecorded();
    const key = randomUUID();
    await paths.command(reservationId, 'capture', { amount: 500 }, key);
    return paths.callsOf(() => paths.command(reservationId, 'capture', { amount: 500 }, key));
  },
};

const callback: Scenarios<'callback'> = {
  'new charge, path with our id': async () => {
    const { reservationId, reservationUuid } = await chargedAtFrontPayment();
    const query = paths.signedCallback(reservationUuid, 'CHARGED');
    return paths.callsOf(() => paths.deliver(query, reservationId));
  },
  'new charge, old path': async () => {
    const { reservationUuid } = await chargedAtFrontPayment();
    const query = paths.signedCallback(reservationUuid, 'CHARGED');
    return paths.callsOf(() => paths.deliver(query));
  },
  'the identical delivery again, within the minute': async () => {
    const { reservationId, reservationUuid } = await chargedAtFrontPayment();
    const query = paths.signedCallback(reservationUuid, 'CHARGED');
    await paths.deliver(query, reservationId);
    return paths.callsOf(() => paths.deliver(query, reservationId));
  },
  'a resend (new timestamp), nothing new': async () => {
    const { reservationId, reservationUuid } = await reservedAndRecorded();
    const query = paths.signedCallback(reservationUuid, 'RESERVED');
    return paths.callsOf(() => paths.deliver(query, reservationId));
  },
  'details fail: kept for the sweeper': async () => {
    const { reservationId, reservationUuid } = await chargedAtFrontPayment();
    const query = paths.signedCallback(reservationUuid, 'CHARGED');
    paths.sandbox.injectFault({ kind: 'status', statusCode: 500 });
    return paths.callsOf(() => paths.deliver(query, reservationId));
  },
};

const pages = { create, commands, callback };

describe.each(Object.keys(pages) as (keyof typeof pages)[])('the calls of each %s path', (page) => {
  const scenarios: Record<string, () => Promise<string[]>> = pages[page];
  const documented: Record<string, Parameters<typeof callsOf>[0]> = PATH_CALLS[page];
  it.each(Object.keys(documented))('%s: the documented calls, in order', async (path) => {
    expect(await scenarios[path]?.()).toEqual(callsOf(documented[path] ?? []));
  });
});
