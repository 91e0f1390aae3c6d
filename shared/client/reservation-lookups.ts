import type { LookupParameters } from '../lookups/lookup-query.ts';
import type { FoundReservations, ReservationSummary } from '../lookups/reservation-summary.ts';
import type { sendWithRetries } from './send-with-retries.ts';

/**
 * Which page of a list: the first, or (with an earlier answer's `nextCursor`) the next one. The
 * names and types are those of the API's own query parameters (`LookupParametersSchema`).
 */
export type PageRequest = Readonly<
  Pick<LookupParameters, 'limit'> & {
    /** The cursor carries its list's filters: with it, only `cursor` and `limit` are sent. */
    cursor?: FoundReservations['nextCursor'] | undefined;
  }
>;

/** The recent list: newest first, optionally within a window of creation times (both exclusive). */
export type RecentQuery = PageRequest &
  Readonly<{
    [Bound in 'createdAfter' | 'createdBefore']?: LookupParameters[Bound] | Date;
  }>;

type Send = ReturnType<typeof sendWithRetries>;

/**
 * `GET /reservations` as typed functions (docs/lookups.md): by Front Payment's uuid, by the
 * merchant's `referenceNo`, and the recent list, a page at a time or every item of every page.
 * Reads, so retried like `getReservation`, without an Idempotency-Key.
 */
export function reservationLookups(send: Send, baseUrl: string) {
  const find = (parameters: Readonly<Record<string, string | undefined>>) => {
    const url = new URL(`${baseUrl}/reservations`);
    for (const [name, value] of Object.entries(parameters)) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    return send<FoundReservations>({ method: 'GET', url });
  };
  // A list's filters, or its cursor alone: the cursor carries them, and the API refuses both.
  const page = (
    filters: Readonly<Record<string, string | undefined>>,
    { limit, cursor }: PageRequest,
  ) => find({ ...(cursor ? { cursor } : filters), limit: limit?.toString() });

  const findByReferenceNo = (referenceNo: string, request: PageRequest = {}) =>
    page({ referenceNo }, request);
  const listRecent = ({ createdAfter, createdBefore, ...request }: RecentQuery = {}) =>
    page(
      { createdAfter: isoTimeOf(createdAfter), createdBefore: isoTimeOf(createdBefore) },
      request,
    );

  return {
    /** The reservation Front Payment knows by this `RES…` uuid, or null. */
    findByReservationUuid: async (reservationUuid: string): Promise<ReservationSummary | null> =>
      (await find({ reservationUuid })).reservations[0] ?? null,
    /** A page of the reservations created with this `referenceNo`, newest first. */
    findByReferenceNo,
    /** A page of every reservation (or those of a window of creation times), newest first. */
    listRecent,
    /** Every reservation with this `referenceNo`, page after page (`limit` is the page size). */
    reservationsByReferenceNo: (referenceNo: string, request: PageRequest = {}) =>
      everySummary((cursor) => findByReferenceNo(referenceNo, { ...request, cursor }), request),
    /** Every reservation of the recent list, page after page (`limit` is the page size). */
    recentReservations: (query: RecentQuery = {}) =>
      everySummary((cursor) => listRecent({ ...query, cursor }), query),
  };
}

/** The items of a list's pages, reading the next page only when the last one is used up. */
async function* everySummary(
  pageAfter: (cursor: string | null) => Promise<FoundReservations>,
  { cursor = null }: PageRequest,
): AsyncGenerator<ReservationSummary, void, undefined> {
  let next = cursor;
  do {
    const found = await pageAfter(next);
    yield* found.reservations;
    next = found.nextCursor;
  } while (next !== null);
}

function isoTimeOf(time: Date | string | undefined): string | undefined {
  return time instanceof Date ? time.toISOString() : time;
}
