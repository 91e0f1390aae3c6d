import { escapeHtml, PAGE_STYLE } from './page-style.ts';
import { REQUEST_LOG_CAPACITY } from './request-log.ts';

export interface ConsoleLinks {
  readonly api: string;
  readonly sandbox: string | null;
  readonly frontPayment: string;
  readonly eventBridge: string;
  readonly dynamoDb: string;
}

/** How often the page asks for fresh data. */
export const CONSOLE_REFRESH_MS = 1_000;

/**
 * The local console: reservations with their status history and the events the local
 * EventBridge received. One self-contained page (inline CSS and script, no external assets)
 * that polls the JSON endpoints every second and re-renders only when the data changed.
 */
export function renderConsolePage(links: ConsoleLinks): string {
  const sandboxLink = links.sandbox
    ? `<a href="${escapeHtml(links.sandbox)}/_sandbox/reservations">Sandbox</a>`
    : `<span>Front Payment: ${escapeHtml(links.frontPayment)}</span>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local console · Front Payment reservations</title>
<style>${PAGE_STYLE}${CONSOLE_STYLE}</style>
</head>
<body>
<header class="bar">
  <div>
    <h1>Front Payment reservations <span class="muted">local console</span></h1>
    <nav>
      <a href="/_local/reservations">reservations.json</a>
      <a href="/_local/events">events.json</a>
      <a href="/_local/reconciler">reconciler.json</a>
      <a href="/_local/deliveries">deliveries.json</a>
      ${sandboxLink}
      <span>API ${escapeHtml(links.api)}</span>
      <span>EventBridge ${escapeHtml(links.eventBridge)}</span>
      <span>DynamoDB ${escapeHtml(links.dynamoDb)}</span>
    </nav>
  </div>
  <div class="live" data-testid="live"><span class="dot"></span><span id="live-text">connecting…</span></div>
</header>
<main>
  <section>
    <h2>Reservations <span class="count" id="reservation-count">0</span></h2>
    <div id="reservations" data-testid="reservations"><p class="empty">No reservations yet. Create one with the <code>curl</code> that <code>npm start</code> printed, or run <code>npm run demo</code>.</p></div>
    <div id="unmatched"></div>
  </section>
  <section>
    <h2>Events on the bus <span class="count" id="event-count">0</span></h2>
    <p class="caption">Every event the local EventBridge received, of any type (<code>Reservation Status Changed</code>, <code>Reservation Capture Due</code>, …); hover an id for the full detail.</p>
    <div id="events" data-testid="events"><p class="empty">No events yet: each status change publishes one, and the reconciler one before a deadline.</p></div>
  </section>
  <section>
    <h2>Deliveries to your consumers <span class="count" id="delivery-count">0</span></h2>
    <p class="caption">Events forwarded to <code>FORWARD_EVENTS_TO</code> (docs/local.md, "Events to your consumers"); <code>npm run fire</code> puts one on the bus.</p>
    <div id="deliveries" data-testid="deliveries"><p class="empty">No deliveries: no consumer is set, or no event matched its pattern yet.</p></div>
  </section>
  <section class="wide">
    <h2>Request log <span class="count" id="log-count">0</span></h2>
    <p class="caption">Each call to the API's functions with its bodies (name, email, phone, personal number and address masked), and each event on the bus with its whole detail; newest first, the last ${REQUEST_LOG_CAPACITY} of each. Open a row for the bodies.</p>
    <div id="log" data-testid="request-log"><p class="empty">No API calls yet.</p></div>
  </section>
  <section>
    <h2>Reconciler</h2>
    <p class="caption" id="reconciler" data-testid="reconciler">The reconciler has not run yet.</p>
  </section>
</main>
<script>${CONSOLE_SCRIPT}</script>
</body>
</html>`;
}

const CONSOLE_STYLE = `
.bar { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; }
.bar h1 { margin: 0 0 .35rem; font-size: 1.25rem; }
nav { display: flex; flex-wrap: wrap; gap: .35rem 1rem; font-size: .8rem; color: var(--muted); }
.live { font-size: .8rem; color: var(--muted); white-space: nowrap; display: flex; align-items: center; gap: .4rem; }
.dot { width: .55rem; height: .55rem; border-radius: 50%; background: var(--muted); display: inline-block; }
.live.ok .dot { background: var(--green); }
.live.down .dot { background: var(--red); }
main { display: grid; grid-template-columns: minmax(0, 1.3fr) minmax(0, 1fr); gap: 1.25rem; padding: 1.25rem 1.5rem; }
@media (max-width: 1000px) { main { grid-template-columns: 1fr; } }
h2 { font-size: 1rem; margin: 0 0 .75rem; display: flex; align-items: center; gap: .5rem; }
.count { background: var(--line); border-radius: 999px; padding: 0 .5rem; font-size: .75rem; font-weight: 600; }
.reservation { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .8rem 1rem; margin-bottom: .75rem; }
.reservation .head { display: flex; flex-wrap: wrap; align-items: center; gap: .35rem .75rem; }
.reservation .total { margin-left: auto; font-weight: 600; font-variant-numeric: tabular-nums; }
.ids { font-size: .78rem; color: var(--muted); margin-top: .3rem; display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
.totals { display: flex; gap: 1.25rem; font-size: .8rem; margin-top: .45rem; font-variant-numeric: tabular-nums; }
.totals b { font-weight: 600; }
.failure { color: var(--red); font-size: .8rem; margin-top: .35rem; }
.customer { font-size: .8rem; margin-top: .35rem; display: flex; flex-wrap: wrap; gap: .2rem 1rem; }
.customer .declined { color: var(--red); }
.commands { display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; margin-top: .55rem; font-size: .8rem; }
.commands input { width: 8rem; padding: .2rem .35rem; font: inherit; }
.commands button { padding: .2rem .6rem; font: inherit; cursor: pointer; }
.commands .answer { color: var(--muted); }
.history { list-style: none; margin: .6rem 0 0; padding: 0; border-top: 1px dashed var(--line); }
.history li { display: grid; grid-template-columns: 5rem 7rem 1fr auto; gap: .5rem; align-items: center; padding: .3rem 0; font-size: .8rem; border-bottom: 1px dashed var(--line); }
.history li:last-child { border-bottom: 0; }
.history .none { color: var(--muted); font-size: .8rem; padding: .4rem 0; display: block; }
.badge { display: inline-block; border-radius: 6px; padding: .1rem .45rem; font-size: .72rem; font-weight: 700; letter-spacing: .02em; background: var(--line); color: var(--ink); }
.badge.RESERVED { background: #dbeafe; color: #1e40af; }
.badge.CAPTURED { background: #dcfce7; color: #166534; }
.badge.CHARGED { background: #ede9fe; color: #5b21b6; }
.badge.REFUNDED { background: #ffedd5; color: #9a3412; }
.badge.CANCELLED, .badge.COMPLETED { background: #e5e7eb; color: #374151; }
.badge.PAID { background: #d1fae5; color: #065f46; }
.badge.SESSION_FAILED { background: #fee2e2; color: #991b1b; }
.badge.CREATING { background: #fef3c7; color: #92400e; }
.badge.delivered { background: #dcfce7; color: #166534; }
.badge.failed { background: #fee2e2; color: #991b1b; }
.badge.capture-window, .badge.charge-validity { background: #fef3c7; color: #92400e; }
.pill { font-size: .7rem; border-radius: 999px; padding: .05rem .45rem; border: 1px solid var(--line); color: var(--muted); white-space: nowrap; }
.pill.pending { border-color: #f59e0b; color: #92400e; }
.pill.published { border-color: #86efac; color: #166534; }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; font-size: .8rem; }
th, td { text-align: left; padding: .45rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f8fafc; font-weight: 600; color: var(--muted); font-size: .72rem; text-transform: uppercase; letter-spacing: .04em; }
tr:last-child td { border-bottom: 0; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { white-space: nowrap; }
.wide { grid-column: 1 / -1; }
.log pre { margin: .35rem 0; padding: .5rem; background: #f8fafc; border: 1px solid var(--line); border-radius: 6px; font-size: .72rem; white-space: pre-wrap; word-break: break-word; max-height: 24rem; overflow: auto; }
.log summary { cursor: pointer; }
.caption { font-size: .75rem; color: var(--muted); margin: -.5rem 0 .6rem; }
.empty { color: var(--muted); background: var(--card); border: 1px dashed var(--line); border-radius: 10px; padding: 1rem; font-size: .85rem; }
`;

/** Builds the DOM with textContent only: values never become markup. */
const CONSOLE_SCRIPT = `
(() => {
  const amount = (n) => Number(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const money = (n) => amount(n) + ' NOK';
  const time = (iso) => iso ? new Date(iso).toLocaleTimeString('en-GB') : '';
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'class') node.className = value; else node.setAttribute(name, value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  };
  const badge = (status, testId) => el('span', { class: 'badge ' + status, 'data-testid': testId }, status);

  function historyItem(entry) {
    // Every change is a movement of its own; the status beside it is what Front Payment's
    // details said after it (a partial refund leaves a captured reservation CAPTURED).
    const notes = [
      entry.reference,
      entry.status !== entry.currentStatus ? 'status ' + entry.currentStatus : null,
    ].filter(Boolean);
    return el('li', { 'data-testid': 'history-entry', 'data-status': entry.status, 'data-current-status': entry.currentStatus },
      el('span', { title: entry.receivedAt }, time(entry.receivedAt)),
      el('span', {}, badge(entry.status, 'history-status')),
      el('span', {}, money(entry.amount), notes.length ? ' · ' + notes.join(' · ') : ''),
      el('span', { class: 'pill ' + (entry.eventPending ? 'pending' : 'published'), title: entry.eventId },
        entry.eventPending ? 'event pending' : 'event published'));
  }

  /** What the customer did, from Front Payment's history: the card brand, declined payments. */
  function customerLine(r) {
    const customer = r.customer || { card: null, declinedAt: [] };
    const declines = customer.declinedAt.length;
    if (!customer.card && !declines) return null;
    return el('div', { class: 'customer', 'data-testid': 'customer' },
      customer.card ? el('span', { 'data-testid': 'card' }, 'paid with ' + customer.card) : null,
      declines ? el('span', { class: 'declined', 'data-testid': 'declined' },
        'payment declined ' + (declines === 1 ? 'once' : declines + ' times') + ', last at ' + time(customer.declinedAt[declines - 1])) : null);
  }

  function waitingNote(r) {
    const declines = r.customer ? r.customer.declinedAt.length : 0;
    return declines
      ? 'No payment yet: the payment was declined; the customer can try again at the checkout page.'
      : 'No payment yet: waiting for the customer at the checkout page.';
  }

  function reservationCard(r) {
    const history = r.history.length
      ? el('ol', { class: 'history' }, r.history.map(historyItem))
      : el('div', { class: 'history' }, el('span', { class: 'none', 'data-testid': 'waiting' }, waitingNote(r)));
    return el('article', { class: 'reservation', 'data-testid': 'reservation', 'data-reservation-id': r.reservationId, 'data-front-payment-uuid': r.frontPaymentUuid || '', 'data-status': r.status },
      el('div', { class: 'head' },
        badge(r.status, 'reservation-status'),
        el('strong', {}, r.frontPaymentUuid || 'no Front Payment uuid'),
        r.referenceNo ? el('span', { class: 'muted' }, 'ref ' + r.referenceNo) : null,
        el('span', { class: 'total' }, money(r.grandTotal))),
      el('div', { class: 'ids' },
        el('span', {}, 'id ', el('code', {}, r.reservationId)),
        el('span', {}, 'created ' + time(r.createdAt)),
        el('span', {}, 'preselected ' + r.preferredPaymentMethod),
        r.paymentUrl && r.history.length === 0 ? el('a', { href: r.paymentUrl, target: '_blank', rel: 'noopener' }, 'open checkout') : null),
      customerLine(r),
      r.history.length ? el('div', { class: 'totals', 'data-testid': 'totals' },
        el('span', {}, 'reserved ', el('b', {}, money(r.totals.reserved))),
        el('span', {}, 'captured ', el('b', {}, money(r.totals.captured))),
        el('span', {}, 'charged ', el('b', {}, money(r.totals.charged))),
        el('span', {}, 'refunded ', el('b', { 'data-testid': 'refunded-total' }, money(r.totals.refunded)))) : null,
      r.failure ? el('div', { class: 'failure' }, 'Session failed (' + r.failure.reason + '): ' + r.failure.message) : null,
      r.stuckCommands.length ? el('ul', { class: 'failure stuck-commands' }, r.stuckCommands.map(stuckCommand)) : null,
      r.history.length ? commandBar(r) : null,
      history);
  }

  /** A command still sending or of unknown outcome: why, and whether the reconciler still watches it. */
  function stuckCommand(c) {
    return el('li', { 'data-testid': 'stuck-command', 'data-state': c.state, 'data-reason': c.reason || '' },
      c.command + (c.amount ? ' ' + money(c.amount) : '') + ' ' + c.state +
        (c.reason ? ' (' + c.reason + (c.message ? ': ' + c.message : '') + ')' : '') +
        (c.watched ? ' · watched by the reconciler' : ' · not watched: an operator decides'));
  }

  // Typed amounts and the last answer per reservation survive the card being rebuilt.
  const typed = new Map();
  const answers = new Map();

  /** Labels, and a confirmation for the commands that end a reservation. */
  const COMMANDS = {
    capture: { label: 'Capture' },
    charge: { label: 'Charge' },
    refund: { label: 'Refund' },
    complete: { label: 'Complete', confirm: 'Complete reservation ' },
    cancel: { label: 'Cancel', confirm: 'Cancel reservation ' },
  };

  /**
   * The commands that can apply (r.commands), through OUR API (same origin), as a merchant's system
   * would. An empty amount is sent as no amount: the API answers with its own field errors.
   */
  function commandBar(r) {
    if (!r.commands.length) return null;
    const input = el('input', { type: 'number', min: '0.01', step: '0.01', placeholder: 'amount, NOK', title: 'Capture: empty captures all that is left. Refund and charge: required.', 'data-testid': 'command-amount', 'aria-label': 'Amount in NOK' });
    input.value = typed.get(r.reservationId) || '';
    input.addEventListener('input', () => typed.set(r.reservationId, input.value));
    const amount = () => (input.value ? Number(input.value) : undefined);
    const bodies = {
      capture: () => ({ amount: amount() }),
      refund: () => ({ amount: amount() }),
      // One line at tax 0 (an allowed rate by default): the amount is what the card is charged.
      charge: () => amount() === undefined ? {} : {
        products: [{ name: 'Charge from the local console', productId: null, rate: amount(), tax: 0, amount: amount() }],
        grandTotal: amount(),
      },
      complete: () => ({ note: 'Completed from the local console' }),
      cancel: () => ({ note: 'Cancelled from the local console' }),
    };
    const button = (command) => {
      const node = el('button', { type: 'button', 'data-testid': 'command-' + command }, COMMANDS[command].label);
      node.addEventListener('click', () => {
        const question = COMMANDS[command].confirm;
        if (question && !confirm(question + (r.frontPaymentUuid || r.reservationId) + '? This cannot be undone.')) return;
        send(r.reservationId, command, bodies[command]());
      });
      return node;
    };
    return el('div', { class: 'commands' },
      input,
      r.commands.map(button),
      el('span', { class: 'answer', 'data-testid': 'command-answer' }, answers.get(r.reservationId) || ''));
  }

  /**
   * The API's problem details (detail, then the field errors as they are: "path: message"), or
   * API Gateway's own plain message.
   */
  function refusal(answer) {
    const errors = Array.isArray(answer.errors) ? answer.errors.map((e) => e.path + ': ' + e.message) : [];
    return (answer.detail || answer.message) + (errors.length ? ': ' + errors.join('; ') : '');
  }

  async function send(reservationId, command, body) {
    answers.set(reservationId, command + '…');
    seen.reservations = '';
    try {
      const response = await fetch('/reservations/' + encodeURIComponent(reservationId) + '/' + command, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      answers.set(reservationId, response.ok
        ? command + ' ' + answer.state + (answer.reference ? ' ' + answer.reference : '')
        : command + ' refused (' + response.status + '): ' + refusal(answer));
    } catch (error) {
      answers.set(reservationId, command + ' failed: ' + error);
    }
    seen.reservations = '';
    typed.delete(reservationId);
  }

  function eventsTable(events) {
    const rows = events.slice().reverse().map((e) => {
      const d = e.detail || {};
      const s = e.summary;
      return el('tr', { 'data-testid': 'event', 'data-event-id': (d.eventId || e.eventId), 'data-type': s.type, 'data-status': d.status || '' },
        el('td', { title: e.time }, time(e.time)),
        el('td', { title: s.type + ' from ' + e.source }, s.type.replace(/^Reservation /, '')),
        el('td', {}, badge(s.label, 'event-status')),
        el('td', { title: s.reservationId || '' }, s.reservationUuid || s.reservationId || ''),
        el('td', { 'data-testid': 'event-says' }, s.amount === null ? s.says : amount(s.amount)),
        el('td', {}, el('code', { title: JSON.stringify(d, null, 2) }, String(d.eventId || e.eventId).slice(0, 8))));
    });
    return el('table', {},
      el('thead', {}, el('tr', {}, ['Time', 'Type', 'What', 'Reservation', 'NOK / due', 'Event'].map((h) => el('th', {}, h)))),
      el('tbody', {}, rows));
  }

  function deliveriesTable(deliveries) {
    const rows = deliveries.slice().reverse().map((d) =>
      el('tr', { 'data-testid': 'delivery', 'data-delivered': String(d.delivered) },
        el('td', { title: d.at }, time(d.at)),
        el('td', { title: d.detailType }, d.what || d.detailType),
        el('td', {}, el('code', {}, d.target)),
        el('td', {}, badge(d.delivered ? 'delivered' : 'failed', 'delivery-status'), ' ' + d.result),
        el('td', { class: 'number' }, String(d.attempts)),
        el('td', { class: 'number' }, d.durationMs + ' ms'),
        el('td', {}, el('code', { title: d.eventId }, d.eventId.slice(0, 8)))));
    return el('table', {},
      el('thead', {}, el('tr', {}, ['Time', 'Event', 'Target', 'Status', 'Tries', 'Duration', 'Event id'].map((h, i) => el('th', i === 4 || i === 5 ? { class: 'number' } : {}, h)))),
      el('tbody', {}, rows));
  }

  /** The last run (idle or not), and the last that checked a reservation if that was earlier. */
  function reconcilerText(last, runs) {
    const did = (run) => 'checked ' + run.checked + ', changed ' + run.changed + ' (' + run.events + ' events, ' +
      run.warnings + ' warnings), failed ' + run.failed + ', ' + run.callsLeft + ' calls left' +
      (run.stoppedBy ? ', stopped: ' + run.stoppedBy : '');
    const busy = (run) => run.checked > 0 || run.failed > 0 || run.notReached > 0;
    const lastBusy = runs.filter(busy).pop();
    const changed = runs.filter((run) => run.changed > 0).length;
    return 'Last run ' + time(last.at) + ': ' + (busy(last) ? did(last) : 'nothing was due') + '.' +
      (lastBusy && lastBusy !== last ? ' Last check of a reservation ' + time(lastBusy.at) + ': ' + did(lastBusy) + '.' : '') +
      ' Runs that changed something: ' + changed + ' of the last ' + runs.length + '.';
  }

  // Rows the reader opened stay open when the log is drawn again.
  const openLines = new Set();

  /** One line of the request log: an API call with its bodies, or an event with its detail. */
  function logRow(line) {
    const key = line.kind + line.at + (line.kind === 'event' ? line.event.eventId : line.method + line.path);
    const body = (label, shown) => shown === null ? null
      : [el('b', {}, label), el('pre', {}, 'json' in shown ? JSON.stringify(shown.json, null, 2) : shown.note)];
    const details = el('details', { open: openLines.has(key) ? '' : null },
      el('summary', {}, line.kind === 'event' ? 'detail' : 'bodies'),
      line.kind === 'event'
        ? el('pre', {}, JSON.stringify(line.event, null, 2))
        : [body('Request', line.requestBody), body('Answer', line.responseBody), line.error ? el('div', { class: 'failure' }, line.error) : null]);
    details.addEventListener('toggle', () => { if (details.open) openLines.add(key); else openLines.delete(key); });
    return line.kind === 'event'
      ? el('tr', { 'data-testid': 'log-event', 'data-type': line.event.detailType },
          el('td', { title: line.at }, time(line.at)),
          el('td', {}, 'event ' + line.event.detailType),
          el('td', {}, badge((line.event.detail && (line.event.detail.status || line.event.detail.deadline)) || '?')),
          el('td', { class: 'number' }, ''),
          el('td', {}, details))
      : el('tr', { 'data-testid': 'log-request', 'data-status': String(line.statusCode) },
          el('td', { title: line.at }, time(line.at)),
          el('td', {}, el('code', {}, line.method + ' ' + line.path), ' ', el('span', { class: 'muted' }, line.functionName || '')),
          el('td', {}, badge(String(line.statusCode), 'log-status')),
          el('td', { class: 'number' }, line.durationMs + ' ms'),
          el('td', {}, details));
  }

  function logTable(lines) {
    return el('table', { class: 'log' },
      el('thead', {}, el('tr', {}, ['Time', 'What', 'Status', 'Duration', ''].map((h, i) => el('th', i === 3 ? { class: 'number' } : {}, h)))),
      el('tbody', {}, lines.slice().reverse().map(logRow)));
  }

  function unmatchedTable(list) {
    if (!list.length) return [];
    return [el('h2', {}, 'Callbacks for unknown reservations ', el('span', { class: 'count' }, list.length)),
      el('table', {}, el('tbody', {}, list.map((u) => el('tr', { 'data-testid': 'unmatched' },
        el('td', {}, u.orderUuid), el('td', {}, badge(u.status)), el('td', { class: 'number' }, money(u.amount)),
        el('td', {}, u.setAside ? 'set aside after ' + u.tries + ' tries' : u.tries + ' tries so far'),
        el('td', {}, time(u.lastReceivedAt))))))];
  }

  // The server-rendered empty notes, kept to show again if the data is cleared.
  const emptyReservations = document.getElementById('reservations').firstElementChild;
  const emptyEvents = document.getElementById('events').firstElementChild;
  const emptyDeliveries = document.getElementById('deliveries').firstElementChild;
  const emptyLog = document.getElementById('log').firstElementChild;
  const seen = { reservations: '', events: '', deliveries: '', log: '' };
  const live = document.querySelector('[data-testid=live]');
  const liveText = document.getElementById('live-text');

  async function refresh() {
    try {
      const [reservations, events] = await Promise.all([
        fetch('/_local/reservations', { cache: 'no-store' }).then((r) => { if (!r.ok) throw new Error(r.status); return r.text(); }),
        fetch('/_local/events', { cache: 'no-store' }).then((r) => { if (!r.ok) throw new Error(r.status); return r.text(); }),
      ]);
      if (reservations !== seen.reservations) {
        seen.reservations = reservations;
        const data = JSON.parse(reservations);
        document.getElementById('reservation-count').textContent = data.reservations.length;
        document.getElementById('reservations').replaceChildren(...(data.reservations.length ? data.reservations.map(reservationCard) : [emptyReservations]));
        document.getElementById('unmatched').replaceChildren(...unmatchedTable(data.unmatchedCallbacks));
      }
      if (events !== seen.events) {
        seen.events = events;
        const data = JSON.parse(events);
        document.getElementById('event-count').textContent = data.events.length;
        document.getElementById('events').replaceChildren(data.events.length ? eventsTable(data.events) : emptyEvents);
      }
      const deliveries = await fetch('/_local/deliveries', { cache: 'no-store' }).then((r) => r.text());
      if (deliveries !== seen.deliveries) {
        seen.deliveries = deliveries;
        const data = JSON.parse(deliveries);
        document.getElementById('delivery-count').textContent = data.deliveries.length;
        document.getElementById('deliveries').replaceChildren(data.deliveries.length ? deliveriesTable(data.deliveries) : emptyDeliveries);
      }
      const log = await fetch('/_local/log', { cache: 'no-store' }).then((r) => r.text());
      if (log !== seen.log) {
        seen.log = log;
        const data = JSON.parse(log);
        document.getElementById('log-count').textContent = data.lines.length;
        document.getElementById('log').replaceChildren(data.lines.length ? logTable(data.lines) : emptyLog);
      }
      const runs = (await fetch('/_local/reconciler', { cache: 'no-store' }).then((r) => r.json())).runs;
      const last = runs[runs.length - 1];
      if (last) document.getElementById('reconciler').textContent = reconcilerText(last, runs);
      live.className = 'live ok';
      liveText.textContent = 'live · updated ' + new Date().toLocaleTimeString('en-GB');
    } catch {
      live.className = 'live down';
      liveText.textContent = 'stack not reachable · retrying';
    } finally {
      setTimeout(refresh, ${CONSOLE_REFRESH_MS});
    }
  }
  refresh();
})();
`;
