import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** The console screenshot the README and docs/local.md show. */
export const DOCS_SCREENSHOT = fileURLToPath(new URL('../../docs/console.png', import.meta.url));

/**
 * Takes docs/console.png from the page, when asked: `npm run docs:screenshot` sets
 * UPDATE_DOCS_SCREENSHOT=1. Ids, amounts and times differ on every run, so an ordinary run (and
 * CI, where CI is set) leaves the committed picture alone instead of changing it each time.
 * Returns whether it wrote the file.
 */
export async function updateDocsScreenshot(
  page: Page,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  if (environment.UPDATE_DOCS_SCREENSHOT !== '1' || environment.CI) return false;
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: false });
  return true;
}
