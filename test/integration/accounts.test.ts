// Accounts in the browser (R18): the first admin is asked to change the password `npm start` printed, and
// leadership manages the bureau's users on their own page.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createUser } from '../../services/auth';
import { holdToContract, launchBrowser, screenshot, signInThroughForm, takeContractViolations } from '../support/browser';
import { call, signIn, startTestSystem, TEST_PASSWORD, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
let browser: Browser;

beforeAll(async () => {
  system = await startTestSystem('accounts');
  browser = await launchBrowser();
});

afterEach(() => {
  expect(takeContractViolations()).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

async function pageAs(username: string, password: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  holdToContract(context, system.baseUrl);
  const page = await context.newPage();
  await signInThroughForm(page, system.baseUrl, username, password);
  return { context, page };
}

describe('R18 accounts in the web application', () => {
  it('R18 the first admin is sent to change the printed password before anything else, and changes it', async () => {
    await createUser(system.db, { username: 'admin', displayName: '系统管理员', password: 'printed-by-npm-start', roles: ['leadership', 'coordinator', 'auditor'], mustChangePassword: true });
    const { context, page } = await pageAs('admin', 'printed-by-npm-start');
    await page.waitForSelector('[data-testid=must-change-password]');
    expect(page.url()).toContain('#/account');
    // Another page is not reached until the password is changed.
    await page.goto(`${system.baseUrl}/#/cases`);
    await page.waitForSelector('[data-testid=must-change-password]');

    const form = page.locator('[data-testid=change-password]');
    await form.locator('input[name=currentPassword]').fill('wrong one');
    await form.locator('input[name=newPassword]').fill('admin chose this 2026');
    await form.locator('input[name=repeat]').fill('admin chose this 2026');
    await form.locator('button[type=submit]').click();
    await form.locator('input[name=currentPassword] + .field-error').waitFor();

    await form.locator('input[name=currentPassword]').fill('printed-by-npm-start');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=password-changed] .notice');
    await screenshot(page, 'account-password-changed');
    await page.goto(`${system.baseUrl}/#/cases`);
    await page.waitForSelector('h1');
    expect(await page.locator('[data-testid=must-change-password]').count()).toBe(0);
    expect((await call(system.baseUrl, 'POST', '/auth/login', { username: 'admin', password: 'admin chose this 2026' }, { authorization: '' })).status).toBe(200);
    await context.close();
  });

  it('R18 leadership disables, re-enables and resets a user on the users page; the temporary password is shown once', async () => {
    await call(system.baseUrl, 'POST', '/users', { username: 'clerk-zhou', displayName: '周文员', password: 'clerk password 2', roles: ['coordinator'] }, testUsers.leadership.headers);
    const clerk = await signIn(system.baseUrl, 'clerk-zhou', 'clerk password 2');
    const { context, page } = await pageAs(testUsers.leadership.username, TEST_PASSWORD);
    await page.goto(`${system.baseUrl}/#/users?q=clerk`);
    await page.waitForSelector('[data-testid=users]');
    expect(await page.textContent('[data-testid=users]')).toContain('周文员');

    await page.click('[data-testid=disable-clerk-zhou]');
    await page.waitForSelector('[data-testid=enable-clerk-zhou]');
    expect(await page.textContent('[data-testid=users]')).toContain('已停用');
    expect((await call(system.baseUrl, 'GET', '/me', undefined, clerk)).status).toBe(401);

    await page.click('[data-testid=enable-clerk-zhou]');
    await page.waitForSelector('[data-testid=disable-clerk-zhou]');
    await page.click('[data-testid=reset-clerk-zhou]');
    const temporary = (await page.locator('[data-testid=temporary-password]').textContent())!;
    await screenshot(page, 'users-page-reset');
    expect((await call(system.baseUrl, 'POST', '/auth/login', { username: 'clerk-zhou', password: temporary }, { authorization: '' })).status).toBe(200);
    await context.close();
  });
});
