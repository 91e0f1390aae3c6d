import { escapeHtml, PAGE_STYLE } from './page-style.ts';

/**
 * Where the checkout sends the customer back (`callback.success` / `callback.failure` of the
 * printed curl and the tests): a merchant's "thank you" or "payment failed" page, reduced to
 * what a person needs locally, with a link to the console.
 */
export function renderReturnPage(query: URLSearchParams): string {
  const succeeded = query.get('outcome') === 'success';
  const reference = query.get('reference');
  const heading = succeeded ? 'Payment reserved' : 'Payment not completed';
  const message = succeeded
    ? 'Front Payment reserved the amount on the card and tells our API by callback; the console shows the new status.'
    : 'The payment was declined or cancelled at the checkout page. Nothing was reserved.';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading} · local shop</title>
<style>${PAGE_STYLE}
.box { max-width: 32rem; margin: 4rem auto; background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.75rem 2rem; }
.box h1 { margin: 0 0 .5rem; font-size: 1.35rem; display: flex; align-items: center; gap: .6rem; }
.mark { display: inline-grid; place-items: center; width: 1.9rem; height: 1.9rem; border-radius: 50%; color: #fff; font-size: 1.05rem; }
.ok { background: var(--green); } .failed { background: var(--red); }
</style>
</head>
<body>
<div class="box">
  <h1 data-testid="return-outcome" data-outcome="${succeeded ? 'success' : 'failure'}"><span class="mark ${succeeded ? 'ok' : 'failed'}">${succeeded ? '&#10003;' : '&#10007;'}</span>${heading}</h1>
  ${reference ? `<p class="muted">Order <strong>${escapeHtml(reference)}</strong></p>` : ''}
  <p>${message}</p>
  <p><a href="/_local/" data-testid="console-link">Open the local console &rarr;</a></p>
</div>
</body>
</html>`;
}
