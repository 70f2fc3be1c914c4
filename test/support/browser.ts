// A real browser for end-to-end tests: Debian's Chromium driven by playwright-core (nothing downloaded).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../infra/paths';
import { contractViolation } from './contract';

export const screenshotDir = process.env.SCREENSHOT_DIR ?? join(projectRoot, 'test/.artifacts/screenshots');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(screenshotDir, { recursive: true });
  // A person's browser runs in a UTF-8 locale; without one (a bare CI shell) Chromium cannot name a download 案件.xlsx
  // and saves it as "download".
  const utf8 = /utf-?8/i.test(process.env.LC_ALL ?? process.env.LANG ?? '') ? {} : { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  return chromium.launch({
    executablePath,
    headless: true,
    env: { ...process.env, ...utf8 },
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Signs in through the sign-in form, as a person would. */
export async function signInThroughForm(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/#/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('[data-testid=login] button[type=submit]');
  await page.waitForSelector('[data-testid=signed-in-as]');
}

const violations: string[] = [];

/**
 * Holds what the pages receive from the API to the served OpenAPI description, as `call` does for the tests'
 * own requests: every fetch a page makes to the API is checked. `takeContractViolations` hands over what broke it.
 */
export function holdToContract(context: BrowserContext, baseUrl: string): void {
  context.on('response', async (response) => {
    const request = response.request();
    if (!['fetch', 'xhr'].includes(request.resourceType()) || !response.url().startsWith(baseUrl)) return;
    const url = new URL(response.url());
    let text = '';
    try {
      text = await response.text();
    } catch {
      return; // the page went away before the body was read
    }
    let body: unknown = text || undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    const violation = await contractViolation(baseUrl, request.method(), url.pathname + url.search, {
      status: response.status(),
      contentType: response.headers()['content-type'] ?? '',
      body,
    });
    if (violation) violations.push(`(browser) ${violation}`);
  });
}

export function takeContractViolations(): string[] {
  return violations.splice(0);
}
