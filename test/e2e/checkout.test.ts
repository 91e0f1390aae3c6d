import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLocalStack, startLocalStack } from '../../infra/local/local-stack.ts';
import { createLocalStackClient } from '../../infra/local/local-stack-client.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { CHROMIUM_FIRST_LAUNCH_TIMEOUT_MS, launchChromium } from '../support/chromium.ts';
import { updateDocsScreenshot } from '../support/docs-screenshot.ts';

/** Screenshots are test artefacts: `.artifacts/` is gitignored. */
const ARTIFACTS = fileURLToPath(new URL('../../.artifacts/', import.meta.url));

let stack: RunningLocalStack;
let browser: Browser;
let client: ReturnType<typeof createLocalStackClient>;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  // Both start at once; whichever started is kept, so afterAll stops it even if the other failed.
  const [stackStart, browserStart] = await Promise.allSettled([
    // Free ports everywhere: other test runs may share the machine.
    startLocalStack({
      port: 0,
      dynamoDbPort: 0,
      eventBridgePort: 0,
      sandboxPort: 0,
      logLevel: 'ERROR',
      publishPendingIntervalMs: 0,
    }),
    launchChromium(),
  ]);
  if (stackStart.status === 'fulfilled') stack = stackStart.value;
  if (browserStart.status === 'fulfilled') browser = browserStart.value;
  if (stackStart.status === 'rejected') throw stackStart.reason;
  if (browserStart.status === 'rejected') throw browserStart.reason;
  client = createLocalStackClient({
    apiUrl: stack.urls.api,
    frontPaymentToken: 'local-sandbox-token',
  });
}, CHROMIUM_FIRST_LAUNCH_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('checkout in Chromium against the local stack', () => {
  it('switches the card, pays, lands on the success page; the console shows RESERVED, then CAPTURED and its event', async () => {
    const created = await client.createReservation(
      sampleReservationRequest({
        returnBaseUrl: stack.urls.api,
        referenceNo: 'E2E-PAID',
        via: 'visa',
      }),
      randomUUID(),
    );
    expect(created.paymentUrl.startsWith(`${stack.urls.sandbox}/checkout/`)).toBe(true);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    await page.goto(created.paymentUrl);
    expect(await page.getByTestId('card-visa').isChecked()).toBe(true);
    await page.getByTestId('card-mastercard').check();
    expect(await page.getByTestId('card-visa').isChecked()).toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}checkout.png`, fullPage: true });
    await page.getByTestId('pay').click();

    await page.waitForURL((url) => url.pathname === '/_local/return');
    expect(new URL(page.url()).searchParams.get('outcome')).toBe('success');
    expect(await page.getByTestId('return-outcome').getAttribute('data-outcome')).toBe('success');

    await page.getByTestId('console-link').click();
    const card = reservationCard(page, created.reservationId);
    await waitForText(card.getByTestId('reservation-status'), 'RESERVED');
    await waitForText(card.getByTestId('history-entry').first(), 'event published');
    // The card the customer switched to, as Front Payment's history names it.
    await waitForText(card.getByTestId('card'), 'paid with mastercard');
    // The request log lists the create call with its masked bodies.
    const createCall = page.locator('[data-testid="log-request"]', {
      hasText: 'POST /reservations',
    });
    await createCall.first().locator('summary').click();
    await waitForText(createCall.first(), '"email": "***"');

    const { productList } = await client.details(
      stack.urls.sandbox as string,
      created.reservationUuid,
    );
    await client.capture(
      stack.urls.sandbox as string,
      created.reservationUuid,
      productList.slice(0, 1),
    );

    // No reload: the console updates itself.
    await waitForText(card.getByTestId('reservation-status'), 'CAPTURED');
    const capturedEvent = page.locator('[data-testid="event"][data-status="CAPTURED"]', {
      hasText: created.reservationUuid,
    });
    await capturedEvent.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}console.png`, fullPage: true });

    const events = (await client.events()).filter(
      (event) =>
        (event.detail as { reservationUuid?: string }).reservationUuid === created.reservationUuid,
    );
    expect(events.map((event) => (event.detail as { status: string }).status)).toEqual([
      'RESERVED',
      'CAPTURED',
    ]);
    expect(await capturedEvent.getAttribute('data-event-id')).toBe(
      (events[1]?.detail as { eventId?: string } | undefined)?.eventId,
    );
    await page.close();
  });

  it('a declined payment lands on the failure page and records nothing as paid', async () => {
    const created = await client.createReservation(
      sampleReservationRequest({ returnBaseUrl: stack.urls.api, referenceNo: 'E2E-DECLINED' }),
      randomUUID(),
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });

    await page.goto(created.paymentUrl);
    await page.getByTestId('decline').click();

    await page.waitForURL((url) => url.pathname === '/_local/return');
    expect(new URL(page.url()).searchParams.get('outcome')).toBe('failure');
    expect(await page.getByTestId('return-outcome').getAttribute('data-outcome')).toBe('failure');

    await stack.sandbox?.settled();
    await page.goto(stack.urls.console);
    const card = reservationCard(page, created.reservationId);
    await waitForText(card.getByTestId('reservation-status'), 'SESSION_CREATED');
    expect(await card.getByTestId('history-entry').count()).toBe(0);
    await waitForText(card.getByTestId('declined'), 'payment declined once');
    await waitForText(card.getByTestId('waiting'), 'the payment was declined');
    // The reconciler's last run, although nothing was due.
    await stack.reconcileNow();
    await waitForText(page.getByTestId('reconciler'), 'Last run ');
    await page.screenshot({ path: `${ARTIFACTS}console-declined.png`, fullPage: true });

    const reservation = await client.reservation(created.reservationId);
    expect(reservation?.status).toBe('SESSION_CREATED');
    expect(reservation?.history).toEqual([]);
    expect(reservation?.totals).toEqual({ reserved: 0, captured: 0, charged: 0, refunded: 0 });
    const events = await client.events();
    expect(
      events.filter(
        (event) =>
          (event.detail as { reservationUuid?: string }).reservationUuid ===
          created.reservationUuid,
      ),
    ).toEqual([]);
    expect(
      stack.sandbox?.callbacks.filter((sent) => sent.reservationUuid === created.reservationUuid),
    ).toEqual([]);
    await page.close();
  });

  it('pays at checkout, then captures, refunds, charges and completes from the console, offering only what applies', async () => {
    const created = await client.createReservation(
      sampleReservationRequest({ returnBaseUrl: stack.urls.api, referenceNo: 'E2E-CONSOLE' }),
      randomUUID(),
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(created.paymentUrl);
    await page.getByTestId('pay').click();
    await page.waitForURL((url) => url.pathname === '/_local/return');
    await page.goto(stack.urls.console);
    const card = reservationCard(page, created.reservationId);
    await waitForText(card.getByTestId('reservation-status'), 'RESERVED');
    const apiCalls: string[] = [];
    const bodies: string[] = [];
    page.on('request', (request) => {
      if (request.method() !== 'POST') return;
      apiCalls.push(new URL(request.url()).origin + new URL(request.url()).pathname);
      bodies.push(request.postData() ?? '');
    });
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.accept();
    });

    await card.getByTestId('command-amount').fill('685');
    await card.getByTestId('command-capture').click();
    await waitForText(card.getByTestId('command-answer'), 'capture ACCEPTED CAP');
    await waitForText(card.getByTestId('reservation-status'), 'CAPTURED');
    await card.getByTestId('command-amount').fill('200');
    await card.getByTestId('command-refund').click();
    await waitForText(card.getByTestId('command-answer'), 'refund ACCEPTED');
    await waitForText(card.getByTestId('refunded-total'), '200.00');
    // A partial refund: the details still say CAPTURED, with the refunded amount beside it.
    expect(await card.getByTestId('reservation-status').textContent()).toBe('CAPTURED');
    expect(
      await card
        .locator('[data-testid="history-entry"][data-status="REFUNDED"]')
        .getAttribute('data-current-status'),
    ).toBe('CAPTURED');
    // Only the commands that can apply: a captured reservation cannot be cancelled.
    expect(await card.getByTestId('command-cancel').count()).toBe(0);
    // An empty refund sends no amount, and the API's field error is shown as it is.
    await card.getByTestId('command-amount').fill('');
    await card.getByTestId('command-refund').click();
    await waitForText(
      card.getByTestId('command-answer'),
      'refund refused (400): The refund request is invalid: amount: is required unless lines are given',
    );
    await card.getByTestId('command-amount').fill('100');
    await card.getByTestId('command-charge').click();
    await waitForText(card.getByTestId('command-answer'), 'charge ACCEPTED CHA');
    await card.getByTestId('command-complete').click();
    await waitForText(card.getByTestId('command-answer'), 'complete ACCEPTED');
    await waitForText(card.getByTestId('reservation-status'), 'COMPLETED');
    // A completed reservation can still be refunded (money is left), nothing else.
    await card.getByTestId('command-capture').waitFor({ state: 'detached' });
    expect(
      await card
        .locator('.commands button')
        .evaluateAll((buttons) => buttons.map((button) => button.getAttribute('data-testid'))),
    ).toEqual(['command-refund']);
    expect(dialogs).toEqual([expect.stringContaining('Complete reservation')]);
    const refundEvent = page.locator('[data-testid="event"][data-status="REFUNDED"]', {
      hasText: created.reservationUuid,
    });
    await refundEvent.waitFor();
    await page.screenshot({ path: `${ARTIFACTS}console-commands.png`, fullPage: true });
    // The README's and docs/local.md's picture of the console, when asked (npm run docs:screenshot).
    await updateDocsScreenshot(page);

    // The buttons call our API, never the sandbox.
    expect(apiCalls).toEqual(
      ['capture', 'refund', 'refund', 'charge', 'complete'].map(
        (command) => `${stack.urls.api}/reservations/${created.reservationId}/${command}`,
      ),
    );
    expect(bodies[2]).toBe('{}');
    const events = (await client.events())
      .map((event) => event.detail as { reservationUuid?: string; status: string; amount: number })
      .filter((detail) => detail.reservationUuid === created.reservationUuid);
    expect(events.map((detail) => [detail.status, detail.amount])).toEqual([
      ['RESERVED', 1370],
      ['CAPTURED', 685],
      ['REFUNDED', 200],
      ['CHARGED', 100],
      ['COMPLETED', 0],
    ]);
    await page.close();
  });
});

function reservationCard(page: Page, reservationId: string) {
  return page.locator(`[data-testid="reservation"][data-reservation-id="${reservationId}"]`);
}

/** Waits until the element's text contains `text` (the console polls once a second). */
async function waitForText(
  locator: ReturnType<Page['locator']>,
  text: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = (await locator.count()) > 0 ? await locator.textContent() : null;
    if (current?.includes(text)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Waited ${timeoutMs} ms for "${text}"; the page shows "${current ?? '(nothing)'}"`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
