import { COMMANDS } from '#shared/commands/command-request';

/**
 * The routes of the reservation commands function, shared by the CDK construct and the local
 * stack: the lookups (docs/lookups.md), the record of one reservation, and one route per command
 * (only these paths exist).
 */
export const RESERVATION_ROUTES: readonly {
  readonly method: 'GET' | 'POST';
  readonly path: string;
}[] = [
  { method: 'GET', path: '/reservations' },
  { method: 'GET', path: '/reservations/{reservationId}' },
  ...COMMANDS.map((command) => ({
    method: 'POST' as const,
    path: `/reservations/{reservationId}/${command}`,
  })),
];
