import type { CardMethod, SandboxReservation } from './types.ts';

/**
 * The sandbox's checkout page, standing in for Front Payment's hosted payment page: plain HTML,
 * inline CSS, no script, stable `data-testid`s for browser tests. It shows no customer data.
 */
export function renderCheckoutPage(reservation: SandboxReservation): string {
  const uuid = escapeHtml(reservation.reservationUuid);
  const rows = reservation.products
    .map(
      (product) => `<tr data-testid="product-line">
        <td>${escapeHtml(product.name)}</td>
        <td class="number">${money(product.rate)}</td>
        <td class="number">${escapeHtml(String(product.tax))} %</td>
        <td class="number">${money(product.amount)}</td>
      </tr>`,
    )
    .join('');
  const reference = reservation.referenceNo
    ? `<p class="muted">Merchant reference <strong data-testid="merchant-reference">${escapeHtml(reservation.referenceNo)}</strong></p>`
    : '';
  return page(
    `Checkout ${reservation.reservationUuid}`,
    `<h1>Pay your reservation</h1>
    <p class="muted">Reservation <strong data-testid="reservation-uuid">${uuid}</strong></p>
    ${reference}
    <table>
      <thead><tr><th>Product</th><th class="number">Rate</th><th class="number">Tax</th><th class="number">Amount</th></tr></thead>
      <tbody>${rows}</tbody>
      <tfoot>
        <tr><td colspan="3">Subtotal</td><td class="number">${money(reservation.subTotal)}</td></tr>
        <tr><td colspan="3">Tax</td><td class="number">${money(reservation.totalTax)}</td></tr>
        <tr class="total"><td colspan="3">Total</td><td class="number" data-testid="grand-total">${money(reservation.grandTotal)}</td></tr>
      </tfoot>
    </table>
    <form method="post" action="/checkout/${uuid}/pay" id="pay-form">
      <fieldset>
        <legend>Card</legend>
        ${cardOption('visa', 'Visa', reservation.preselectedMethod)}
        ${cardOption('mastercard', 'Mastercard', reservation.preselectedMethod)}
      </fieldset>
      <p class="muted">The amount is reserved on the card now and captured later.</p>
      <button type="submit" id="pay" data-testid="pay">Reserve ${money(reservation.grandTotal)}</button>
    </form>
    <form method="post" action="/checkout/${uuid}/decline" id="decline-form">
      <button type="submit" id="decline" data-testid="decline" class="secondary">Decline payment</button>
    </form>`,
  );
}

/** A page after paying, declining or a refusal (already paid, cancelled, unknown). */
export function renderResultPage(options: {
  readonly title: string;
  readonly heading: string;
  readonly message: string;
  readonly reservationUuid?: string;
  readonly testId: string;
}): string {
  const uuid = options.reservationUuid
    ? `<p class="muted">Reservation <strong data-testid="reservation-uuid">${escapeHtml(options.reservationUuid)}</strong></p>`
    : '';
  return page(
    options.title,
    `<h1 data-testid="${escapeHtml(options.testId)}">${escapeHtml(options.heading)}</h1>
    ${uuid}
    <p>${escapeHtml(options.message)}</p>`,
  );
}

function cardOption(method: CardMethod, label: string, preselected: CardMethod): string {
  return `<label class="card" for="card-${method}">
          <input type="radio" name="method" value="${method}" id="card-${method}" data-testid="card-${method}"${method === preselected ? ' checked' : ''}>
          ${label}
        </label>`;
}

function money(amount: number): string {
  return `${amount.toFixed(2)} NOK`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Front Payment sandbox</title>
<style>
  body { margin: 0; background: #f3f4f6; color: #111827; font: 16px/1.5 system-ui, sans-serif; }
  main { max-width: 36rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgb(0 0 0 / 0.1); }
  .banner { margin: 0 0 1rem; font-size: 0.8rem; letter-spacing: 0.05em; text-transform: uppercase; color: #b45309; }
  h1 { margin: 0 0 0.5rem; font-size: 1.5rem; }
  .muted { color: #6b7280; margin: 0.25rem 0; }
  table { width: 100%; border-collapse: collapse; margin: 1.5rem 0; }
  th, td { padding: 0.4rem 0; border-bottom: 1px solid #e5e7eb; text-align: left; }
  .number { text-align: right; }
  .total td { font-weight: 700; border-bottom: none; }
  fieldset { border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.75rem 1rem; }
  .card { display: block; padding: 0.4rem 0; cursor: pointer; }
  button { width: 100%; margin-top: 1rem; padding: 0.75rem; border: 0; border-radius: 8px; background: #1d4ed8; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
  button.secondary { background: #fff; color: #b91c1c; border: 1px solid #fca5a5; }
</style>
</head>
<body>
<main>
<p class="banner">Front Payment sandbox · no real money moves</p>
${body}
</main>
</body>
</html>
`;
}
