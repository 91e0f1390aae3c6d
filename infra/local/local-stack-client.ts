import { IntegrationError } from '#shared/errors';
import type { CreatedReservation as Answer } from '#shared/reservations/created-reservation';

/** A session just created: its payment link is always known (only a reconciled one lacks it). */
export type CreatedReservation = Answer & { readonly paymentUrl: string };

import type { ConsoleLinks } from './console/console-page.ts';
import type { ConsoleReservations, ReservationView } from './console/reservation-history.ts';
import type { ReceivedEvent } from './event-bridge-stand-in.ts';

/** A running local stack could not do what was asked; the message says what and where. */
export class LocalStackClientError extends IntegrationError {
  override readonly name = 'LocalStackClientError';
}

/** What `POST /reservations` answers on success. */

export interface CheckoutOutcome {
  /** Where the checkout redirected the browser (the reservation's success or failure URL). */
  readonly redirectedTo: string;
  /** The status of that page when followed. */
  readonly landingStatus: number;
}

export interface SandboxProductLine {
  readonly id: number;
  readonly name: string;
  readonly amount: number;
}

/**
 * Talks to a running local stack over HTTP only, as a merchant, a customer's browser and a
 * developer would: our API, the sandbox's checkout page and Front Payment API, and `/_local/`.
 * `npm run demo` and the end-to-end tests use it.
 */
export function createLocalStackClient(options: {
  readonly apiUrl: string;
  /** The sandbox's bearer token (FRONT_PAYMENT_TOKEN of `npm start`). */
  readonly frontPaymentToken: string;
}) {
  const apiUrl = options.apiUrl.replace(/\/+$/, '');
  const bearer = { authorization: `Bearer ${options.frontPaymentToken}` };

  async function getJson<T>(url: string): Promise<T> {
    const response = await reach(url);
    if (!response.ok) throw new LocalStackClientError(`GET ${url} answered ${response.status}`);
    return (await response.json()) as T;
  }

  async function frontPaymentCall(url: string, body: unknown): Promise<unknown> {
    const response = await reach(url, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { detail?: string; message?: string };
    if (!response.ok) {
      throw new LocalStackClientError(
        `POST ${url} answered ${response.status}: ${answer.detail ?? answer.message ?? JSON.stringify(answer)}`,
      );
    }
    return answer;
  }

  const client = {
    apiUrl,

    /** The stack's URLs (which tell whether the sandbox runs). */
    stack: () => getJson<ConsoleLinks>(`${apiUrl}/_local/stack`),

    reservations: () => getJson<ConsoleReservations>(`${apiUrl}/_local/reservations`),

    /** The sandbox's quirks now (its control API). */
    sandboxQuirks: (sandboxUrl: string) =>
      getJson<{ reverseCallbackOrder?: boolean }>(`${sandboxUrl}/_sandbox/quirks`),

    async reservation(reservationId: string): Promise<ReservationView | undefined> {
      const { reservations } = await client.reservations();
      return reservations.find((reservation) => reservation.reservationId === reservationId);
    },

    events: async () =>
      (await getJson<{ events: ReceivedEvent[] }>(`${apiUrl}/_local/events`)).events,

    async createReservation(body: unknown, idempotencyKey: string): Promise<CreatedReservation> {
      const response = await reach(`${apiUrl}/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as Answer & { detail?: string; message?: string };
      if (response.status !== 201 || answer.paymentUrl === null) {
        throw new LocalStackClientError(
          `POST /reservations answered ${response.status}: ${answer.detail ?? answer.message ?? JSON.stringify(answer)}`,
        );
      }
      return answer as CreatedReservation;
    },

    /** Opens the checkout page and submits its pay form with the card, as a browser does. */
    async payAtCheckout(
      paymentUrl: string,
      method: 'visa' | 'mastercard',
    ): Promise<CheckoutOutcome> {
      return submitCheckoutForm(paymentUrl, 'pay-form', new URLSearchParams({ method }));
    },

    async declineAtCheckout(paymentUrl: string): Promise<CheckoutOutcome> {
      return submitCheckoutForm(paymentUrl, 'decline-form', new URLSearchParams());
    },

    /** Front Payment's reservation details (product line ids are needed to capture). */
    async details(sandboxUrl: string, reservationUuid: string) {
      const answer = await getJsonWith<{ data: { productList: SandboxProductLine[] } }>(
        `${sandboxUrl}/api/v1/connect/reservations/details/${reservationUuid}`,
        bearer,
      );
      return answer.data;
    },

    /** Captures the given product lines (their full amounts), as the merchant would. */
    capture(sandboxUrl: string, reservationUuid: string, lines: readonly SandboxProductLine[]) {
      const grandTotal = lines.reduce((total, line) => total + line.amount, 0);
      return frontPaymentCall(
        `${sandboxUrl}/api/v1/connect/reservations/capture/${reservationUuid}`,
        {
          products: Object.fromEntries(
            lines.map((line, index) => [String(index), { id: line.id, amount: line.amount }]),
          ),
          grandTotal,
          additionalText: `Capture of ${lines.map((line) => line.name).join(', ')}`,
        },
      );
    },

    /** Charges the stored card for a new product line, as the merchant would. */
    charge(sandboxUrl: string, reservationUuid: string, line: { name: string; amount: number }) {
      return frontPaymentCall(
        `${sandboxUrl}/api/v1/connect/reservations/charge/${reservationUuid}`,
        {
          products: { '0': { name: line.name, rate: line.amount, tax: 0, amount: line.amount } },
          grandTotal: line.amount,
          additionalText: line.name,
        },
      );
    },

    /**
     * A command through OUR API (`POST /reservations/{id}/{command}`), as a merchant's system
     * sends it; resolves with the command's record, throws with the answer's message otherwise.
     */
    async command(
      reservationId: string,
      command: string,
      body: unknown,
      idempotencyKey: string,
    ): Promise<{ state: string; reference?: string; amount?: number }> {
      const response = await reach(`${apiUrl}/reservations/${reservationId}/${command}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as {
        state: string;
        detail?: string;
        message?: string;
      };
      if (response.status !== 202) {
        throw new LocalStackClientError(
          `POST /reservations/${reservationId}/${command} answered ${response.status}: ${answer.detail ?? answer.message ?? JSON.stringify(answer)}`,
        );
      }
      return answer;
    },

    /** Polls the console JSON until the reservation satisfies `done`. */
    async waitForReservation(
      reservationId: string,
      done: (reservation: ReservationView) => boolean,
      what: string,
      timeoutMs = 15_000,
    ): Promise<ReservationView> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const reservation = await client.reservation(reservationId);
        if (reservation && done(reservation)) return reservation;
        if (Date.now() > deadline) {
          throw new LocalStackClientError(
            `Waited ${timeoutMs / 1000} s for ${what}; the reservation is ${reservation?.status ?? 'not in the table'}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },
  };

  async function getJsonWith<T>(url: string, headers: Record<string, string>): Promise<T> {
    const response = await reach(url, { headers: { ...headers, accept: 'application/json' } });
    if (!response.ok) throw new LocalStackClientError(`GET ${url} answered ${response.status}`);
    return (await response.json()) as T;
  }

  async function submitCheckoutForm(
    paymentUrl: string,
    formId: string,
    fields: URLSearchParams,
  ): Promise<CheckoutOutcome> {
    const page = await reach(paymentUrl);
    const html = await page.text();
    if (!page.ok) throw new LocalStackClientError(`The checkout page answered ${page.status}`);
    const form = new RegExp(`<form[^>]*id="${formId}"[^>]*>`).exec(html)?.[0];
    const action = form && /action="([^"]+)"/.exec(form)?.[1];
    if (!action) {
      throw new LocalStackClientError(`The checkout page has no form #${formId} (already paid?)`);
    }
    const submitted = await reach(new URL(action, paymentUrl).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
      redirect: 'manual',
    });
    const location = submitted.headers.get('location');
    if (submitted.status !== 303 || !location) {
      throw new LocalStackClientError(
        `Submitting the checkout form answered ${submitted.status}, not a 303 redirect`,
      );
    }
    const redirectedTo = new URL(location, paymentUrl).href;
    const landing = await reach(redirectedTo);
    await landing.arrayBuffer();
    return { redirectedTo, landingStatus: landing.status };
  }

  return client;
}

/** fetch, with "is it running?" in the error instead of a bare `fetch failed`. */
async function reach(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new LocalStackClientError(
      `Could not reach ${new URL(url).origin} (${causeOf(error)}). Is \`npm start\` running?`,
      { cause: error },
    );
  }
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
