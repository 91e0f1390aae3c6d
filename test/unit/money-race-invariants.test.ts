import { describe, expect, it } from 'vitest';
import {
  type CommandPost,
  moneyRaceViolations,
  type RaceReservation,
  type RecordedCommand,
} from '../support/money-race-invariants.ts';

/** A reservation where everything agrees: a capture, a charge and a refund, each one command. */
function consistent(): RaceReservation {
  const post = (
    command: CommandPost['command'],
    amount: number,
    reference?: string,
    tag?: string,
  ) =>
    ({
      command,
      reservationUuid: 'RES1',
      serviceStatus: 202,
      reference,
      amount,
      requestTag: tag,
    }) satisfies CommandPost;
  const command = (overrides: Partial<RecordedCommand> & Pick<RecordedCommand, 'commandId'>) =>
    ({
      command: 'capture',
      state: 'ACCEPTED',
      request: overrides.commandId,
      ...overrides,
    }) satisfies RecordedCommand;
  return {
    reservationId: 'r1',
    reservationUuid: 'RES1',
    truth: {
      reservationUuid: 'RES1',
      reserved: true,
      captures: [{ reference: 'CAP1', amount: 100 }],
      charges: [{ reference: 'CHA1', amount: 50 }],
      refunds: [{ source: 'captured', amount: 10 }],
    },
    events: [
      { eventId: 'e0', reservationUuid: 'RES1', status: 'RESERVED', amount: 1370, reference: null },
      {
        eventId: 'e1',
        reservationUuid: 'RES1',
        status: 'CAPTURED',
        amount: 100,
        reference: 'CAP1',
      },
      // A redelivery of the same change: at least once is the contract.
      {
        eventId: 'e1',
        reservationUuid: 'RES1',
        status: 'CAPTURED',
        amount: 100,
        reference: 'CAP1',
      },
      { eventId: 'e2', reservationUuid: 'RES1', status: 'CHARGED', amount: 50, reference: 'CHA1' },
      { eventId: 'e3', reservationUuid: 'RES1', status: 'REFUNDED', amount: 10, reference: null },
    ],
    commands: [
      command({ commandId: 'k1', amount: 100, reference: 'CAP1' }),
      command({ commandId: 'k2', command: 'charge', amount: 50, reference: 'CHA1' }),
      command({ commandId: 'k3', command: 'refund', amount: 10, reference: 'CAP1' }),
    ],
    posts: [
      post('capture', 100, 'CAP1', 'k1'),
      post('charge', 50, 'CHA1', 'k2'),
      post('refund', 10),
    ],
  };
}

const violationsOf = (change: (reservation: RaceReservation) => RaceReservation) =>
  moneyRaceViolations([change(consistent())]);

describe('the money race invariants', () => {
  it('find nothing when Front Payment, the bus and the commands agree', () => {
    expect(moneyRaceViolations([consistent()])).toEqual([]);
  });

  it('find two refunds published as one event for their sum', () => {
    expect(
      violationsOf((reservation) => ({
        ...reservation,
        truth: {
          ...reservation.truth,
          refunds: [
            { source: 'captured', amount: 10 },
            { source: 'captured', amount: 10 },
          ],
        },
        events: reservation.events.map((event) =>
          event.status === 'REFUNDED' ? { ...event, amount: 20 } : event,
        ),
      })),
    ).toEqual(['r1 (RES1): refunds at Front Payment are [10,10], REFUNDED events are [20]']);
  });

  it('find a movement published under two event ids, and one never published', () => {
    expect(
      violationsOf((reservation) => ({
        ...reservation,
        events: [
          ...reservation.events.filter((event) => event.status !== 'CHARGED'),
          {
            eventId: 'e9',
            reservationUuid: 'RES1',
            status: 'CAPTURED',
            amount: 100,
            reference: 'CAP1',
          },
        ],
      })),
    ).toEqual([
      'r1 (RES1): CAPTURED CAP1 (100) is 2 events, not 1',
      'r1 (RES1): CHARGED CHA1 (50) is 0 events, not 1',
    ]);
  });

  it('find one capture claimed by two commands, the second of which Front Payment never received', () => {
    const violations = violationsOf((reservation) => ({
      ...reservation,
      commands: [
        ...reservation.commands,
        {
          commandId: 'k4',
          command: 'capture',
          state: 'ACCEPTED',
          amount: 100,
          reference: 'CAP1',
          request: 'k4',
        },
      ],
    }));
    expect(violations).toEqual([
      'r1 (RES1): 2 ACCEPTED capture commands claim CAP1: k1,k4',
      'r1 (RES1): ACCEPTED capture of request k4 names CAP1, which request k1 made',
    ]);
  });

  it('find a capture Front Payment carried out that no command accounts for (stuck SENDING)', () => {
    expect(
      violationsOf((reservation) => ({
        ...reservation,
        commands: reservation.commands.map((command) =>
          command.commandId === 'k1' ? { ...command, state: 'SENDING' } : command,
        ),
      })),
    ).toEqual([
      'r1 (RES1): Front Payment carried out 1 capture POSTs, we have 0 ACCEPTED or OUTCOME_UNKNOWN capture commands (SENDING)',
    ]);
  });

  it('let a portal movement settle a command whose own request moved nothing, not one whose request did', () => {
    const withPortalCapture = (reservation: RaceReservation, posts: readonly CommandPost[]) => ({
      ...reservation,
      truth: {
        ...reservation.truth,
        captures: [...reservation.truth.captures, { reference: 'CAP2', amount: 100 }],
      },
      events: [
        ...reservation.events,
        {
          eventId: 'e4',
          reservationUuid: 'RES1',
          status: 'CAPTURED',
          amount: 100,
          reference: 'CAP2',
        },
      ],
      commands: [
        ...reservation.commands,
        {
          commandId: 'k5',
          command: 'capture',
          state: 'ACCEPTED',
          amount: 100,
          reference: 'CAP2',
          request: 'k5',
        },
      ],
      posts,
    });
    expect(
      violationsOf((reservation) => withPortalCapture(reservation, reservation.posts)),
    ).toEqual([]);
    expect(
      violationsOf((reservation) =>
        withPortalCapture(reservation, [
          ...reservation.posts,
          { ...(reservation.posts[0] as CommandPost), reference: 'CAP3', requestTag: 'k5' },
        ]),
      ),
    ).toContain(
      'r1 (RES1): ACCEPTED capture of request k5 names CAP2, a portal movement, though its own POST made CAP3',
    );
  });
});
