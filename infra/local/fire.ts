/**
 * `npm run fire -- <reservationId> <event>`: puts one event for a reservation on the running
 * `npm start`'s bus (API_URL, default http://127.0.0.1:3000), built by the product's publishers,
 * so consumers (FORWARD_EVENTS_TO) can be built without paying in the sandbox. The reservation
 * itself is not changed. Exits non-zero, saying why, when the stack refuses.
 */
import { DEFAULT_API_URL } from './demo-command.ts';
import { FIRE_EVENTS } from './event-forwarding/fire-events.ts';

const usage = `npm run fire -- <reservationId> <event>

Puts an event for the reservation on the local bus of the running \`npm start\` (API_URL, default
${DEFAULT_API_URL}); it reaches FORWARD_EVENTS_TO when its pattern matches. Nothing is stored.
Events: ${Object.keys(FIRE_EVENTS).join(', ')}`;

async function main(argv: readonly string[]): Promise<number> {
  const [reservationId, event] = argv;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (!reservationId || !event || argv.length > 2) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const apiUrl = (process.env.API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/_local/fire`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reservationId, event }),
    });
  } catch (error) {
    process.stderr.write(
      `✖ No local stack answers at ${apiUrl} (${(error as Error).message}). Run \`npm start\`, or set API_URL.\n`,
    );
    return 1;
  }
  const body = (await response.json().catch(() => ({}))) as {
    message?: string;
    detailType?: string;
    detail?: { eventId?: string };
  };
  if (response.status !== 201) {
    process.stderr.write(`✖ ${response.status}: ${body.message ?? 'refused'}\n`);
    return 1;
  }
  process.stdout.write(
    `Fired ${body.detailType} ${body.detail?.eventId} for ${reservationId}:\n${JSON.stringify(body.detail, null, 2)}\n`,
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
