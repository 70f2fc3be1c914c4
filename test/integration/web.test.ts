// The web application in a real browser (R16, R19): officers, the office, leadership and the public do their
// real work through the pages, against the real API, Temporal and PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { holdToContract, launchBrowser, screenshot, signInThroughForm, takeContractViolations } from '../support/browser';
import { pdfText } from '../support/pdf';
import iconv from 'iconv-lite';
import { asOfficer, commitAndRunDraw, eventually, inspectionBody, openComplaintCase, registerOfficer, type OpenedCase } from '../support/fixtures';
import { validUscc } from '../support/entities';
import { call, startTestSystem, TEST_PASSWORD, testUsers, type TestSystem } from '../support/system';

let system: TestSystem;
let browser: Browser;
let opened: OpenedCase;

// A rectification period long enough for leadership to look at the case while it is running.
const RECTIFICATION_DAYS = 20;

beforeAll(async () => {
  system = await startTestSystem('web', { timing: { defaultRectificationDays: RECTIFICATION_DAYS } });
  browser = await launchBrowser();
  const item = await call(system.baseUrl, 'POST', '/inspection-items', {
    code: 'SW-YFK-01',
    name: '单用途预付卡发卡企业备案与资金存管',
    legalBasis: '《单用途商业预付卡管理办法（试行）》第七条、第十七条',
    categories: ['prepaid_card_issuer'],
  });
  expect(item.status, JSON.stringify(item.body)).toBe(201);
  opened = await openComplaintCase(system.baseUrl);
});

// What the pages received from the API holds to its description, as the tests' own requests do.
afterEach(() => {
  expect(takeContractViolations()).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await system?.stop();
});

const readCase = async () => (await call(system.baseUrl, 'GET', `/cases/${opened.id}`)).body;
const officerUsername = (officerId: string) => `officer-${officerId.slice(0, 8)}`;

async function pageAs(username: string, viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  holdToContract(context, system.baseUrl);
  const page = await context.newPage();
  await signInThroughForm(page, system.baseUrl, username, TEST_PASSWORD);
  return { context, page };
}

describe('the web application, in Chromium', () => {
  it('R8 R9 R12: an officer marks the new assignment read, records an inspection with a failed checkpoint, sees the API refuse a contradictory result next to its field, and orders rectification', async () => {
    // The officer works from a phone in the field.
    const { context, page } = await pageAs(officerUsername(opened.team[0]!), { width: 390, height: 844 });
    await page.waitForSelector('[data-testid=my-cases]');
    expect(await page.textContent('[data-testid=my-cases]')).toContain(opened.entity.name);
    await screenshot(page, 'officer-workbench-phone');
    // R8: the assignment waits unread until the officer has seen it.
    expect(await page.textContent('[data-testid=notifications] li.unread')).toContain(opened.entity.name);
    await page.click('[data-testid=mark-all-read]');
    await page.waitForSelector('[data-testid=unread-count]', { state: 'detached' });
    expect(await page.locator('[data-testid=notifications] li.unread').count()).toBe(0);
    const officerHeaders = asOfficer(opened.team[0]!);
    expect((await call(system.baseUrl, 'GET', '/me/notifications', undefined, officerHeaders)).body.unreadCount).toBe(0);

    await page.click(`[data-testid=my-cases] a[href="#/cases/${opened.id}"]`);
    const form = page.locator('[data-testid=inspection-form]');
    await form.waitFor();
    await form.locator('select[name="items.0.checkpoints.0.passed"]').selectOption('false');
    await form.locator('input[name="items.0.checkpoints.0.description"]').fill('预收资金存管');
    await form.locator('textarea[name="items.0.findings"]').fill('未按规定存管预收资金');
    await form.locator('input[name="items.0.evidence"]').fill('现场笔录 2026-031、照片 12 张');
    await form.locator('select[name=resultCategory]').selectOption('no_problem');
    await form.locator('button[type=submit]').click();
    // The workflow's validator refuses "no problem" with a failed checkpoint; the page says so at the field.
    const fieldError = form.locator('select[name=resultCategory] + .field-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain('未发现问题');
    expect((await readCase()).status).toBe('awaiting_inspection');

    await form.locator('select[name=resultCategory]').selectOption('problem_found');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('text=结果待审核');
    expect((await readCase()).status).toBe('under_review');
    await context.close();

    // The brigade office approves the result.
    const office = await pageAs(testUsers.coordinator.username);
    await office.page.goto(`${system.baseUrl}/#/cases/${opened.id}`);
    await office.page.locator('[data-testid=review-form] button[type=submit]').click();
    await office.page.waitForSelector('text=待责令整改');
    await office.context.close();

    const officer = await pageAs(officerUsername(opened.team[1]!));
    await officer.page.goto(`${system.baseUrl}/#/cases/${opened.id}`);
    const order = officer.page.locator('[data-testid=rectification-order-form]');
    await order.waitFor();
    // R12: the form says which period applies when the officer leaves it blank, and where it comes from.
    expect(await order.textContent()).toContain(`默认 ${RECTIFICATION_DAYS} 天（本局默认）`);
    await order.locator('textarea[name=requirements]').fill('限期完成预收资金存管并报送备案材料');
    await order.locator('button[type=submit]').click();
    await officer.page.waitForSelector('text=限期整改中');
    await screenshot(officer.page, 'case-rectifying');
    // R12: the rectification order is the PDF the server issues, with its 文号, saved from the page.
    await officer.page.click('a.document-link[href$="/documents/rectification-order"]');
    await officer.page.waitForSelector('[data-testid=document-number]');
    expect(await officer.page.textContent('[data-testid=document-number]')).toMatch(/^坛商责改〔\d{4}〕\d+号$/);
    const savedPdf = async () => {
      const [download] = await Promise.all([officer.page.waitForEvent('download'), officer.page.click('[data-testid=download-pdf]')]);
      return pdfText(await readFile((await download.path())!));
    };
    expect(await savedPdf()).toContain('整改要求：限期完成预收资金存管并报送备案材料。');
    await screenshot(officer.page, 'document-rectification-order');
    // R8: so is the inspection notice the entity was sent when the case opened, with what to have ready.
    await officer.page.goto(`${system.baseUrl}/#/cases/${opened.id}`);
    await officer.page.click('a.document-link[href$="/documents/inspection-notice"]');
    await officer.page.waitForSelector('[data-testid=document-number]');
    const notice = await savedPdf();
    expect(notice).toContain('随机抽查通知书');
    expect(notice).toContain(opened.entity.name);
    expect(notice).toContain('营业执照（副本）');
    expect(notice).not.toContain('投诉');
    await screenshot(officer.page, 'document-inspection-notice');
    await officer.context.close();

    const current = await readCase();
    expect(current.status).toBe('rectifying');
    const recorded = current.records.find((record: { kind: string }) => record.kind === 'inspection').data;
    expect(recorded.items[0].checkpoints[0].passed).toBe(false);
    expect(recorded.items[0].evidence).toEqual(['现场笔录 2026-031', '照片 12 张']);
  });

  it('R19: leadership sees the case counted as pending rectification on the dashboard, drills down to it and opens its timeline', async () => {
    const { context, page } = await pageAs(testUsers.leadership.username);
    await page.waitForSelector('[data-testid=tile-rectifying]');
    expect((await page.textContent('[data-testid=tile-rectifying] strong'))?.trim()).toBe('1');
    await page.waitForSelector('[data-testid=status-chart] svg');
    await screenshot(page, 'leadership-dashboard');

    await page.click('[data-testid=tile-rectifying]');
    await page.waitForSelector('[data-testid=case-list]');
    expect((await page.textContent('[data-testid=case-total]'))?.trim()).toBe('1');
    await page.click(`[data-testid=case-list] a[href="#/cases/${opened.id}"]`);
    const timeline = page.locator('[data-testid=timeline]');
    await timeline.waitFor();
    const events = await timeline.locator('li strong').allTextContents();
    expect(events).toEqual(expect.arrayContaining(['立案', '录入检查结果', '审核通过', '责令限期整改']));
    await screenshot(page, 'case-timeline');

    // English on request.
    await page.click('[data-testid=language]');
    await page.waitForSelector('text=Timeline');
    await page.click('[data-testid=language]');
    await context.close();
  });

  it('R13 R16: after the revisit the case closes and the public site shows the published result, and nothing unpublished', async () => {
    await eventually(readCase, (found) => found.status === 'awaiting_revisit', (RECTIFICATION_DAYS + 20) * 1000);
    const officer = await pageAs(officerUsername(opened.team[0]!));
    await officer.page.goto(`${system.baseUrl}/#/cases/${opened.id}`);
    const revisit = officer.page.locator('[data-testid=revisit-form]');
    await revisit.waitFor();
    await revisit.locator('textarea[name=findings]').fill('预收资金已存管，备案材料已报送');
    await revisit.locator('button[type=submit]').click();
    await eventually(readCase, (found) => found.status === 'closed', 60_000);
    await officer.context.close();

    // Another entity with an open case: not published, so the public never sees it.
    const unpublished = await openComplaintCase(system.baseUrl);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    holdToContract(context, system.baseUrl);
    const page = await context.newPage();
    await page.goto(`${system.baseUrl}/disclosure`);
    await page.waitForSelector('[data-testid=public-total]');
    const all = await page.textContent('[data-testid=public-results]');
    expect(all).toContain(opened.entity.name);
    expect(all).not.toContain(unpublished.entity.uscc);

    await page.fill('input[name=q]', opened.entity.uscc);
    await page.click('.public-search button[type=submit]');
    await page.waitForURL(/q=/);
    await page.waitForSelector('[data-testid=public-results]');
    const card = await page.textContent('[data-testid=public-results]');
    expect(card).toContain(opened.entity.uscc);
    expect(card).toContain('发现问题');
    expect(card).toContain('已整改');
    expect(card).toContain('单用途预付卡发卡企业备案与资金存管');
    await screenshot(page, 'public-disclosure');
    await context.close();
  });

  it('R19: any list exports as XLSX and CSV with the columns on screen', async () => {
    const { context, page } = await pageAs(testUsers.coordinator.username);
    await page.goto(`${system.baseUrl}/#/cases`);
    await page.waitForSelector('[data-testid=case-list]');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('text=导出 CSV')]);
    const text = (await streamText(await csv.createReadStream())).replace(/^\ufeff/, '');
    expect(text.split('\n')[0]).toContain('统一社会信用代码');
    expect(text).toContain(opened.entity.uscc);
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.click('text=导出 Excel')]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = await streamBytes(await xlsx.createReadStream());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    await context.close();
  });
});

describe('the office and the auditor, in Chromium', () => {
  it('R1 R18: the office imports a directory file as Chinese Excel saves it (GB18030 CSV), sees each refused row with its line, column and reason, then applies the accepted rows', async () => {
    const { context, page } = await pageAs(testUsers.coordinator.username);
    await page.goto(`${system.baseUrl}/#/entities`);
    await page.waitForSelector('[data-testid=entity-list]');
    await page.click('details.import summary');
    const good = validUscc();
    const csv = `统一社会信用代码,名称,街道镇,类别\n${good},金坛区某汽车销售有限公司,尧塘街道,auto_dealer\n91320482MA1X00000X,校验码错误的企业,金城镇,auto_dealer\n`;
    await page.setInputFiles('[data-testid=import-file]', { name: 'entities.csv', mimeType: 'text/csv', buffer: iconv.encode(csv, 'gb18030') });
    const refused = page.locator('[data-testid=refused-rows]');
    await refused.waitFor();
    const refusedText = await refused.textContent();
    expect(refusedText).toContain('3');
    expect(refusedText).toContain('统一社会信用代码');
    expect((await call(system.baseUrl, 'GET', `/entities?q=${good}`)).body.total).toBe(0);
    await screenshot(page, 'entity-import-dry-run');

    await page.click('[data-testid=apply-import]');
    await page.waitForSelector('text=已导入');
    const imported = (await call(system.baseUrl, 'GET', `/entities?q=${good}`)).body;
    expect(imported.items).toEqual([expect.objectContaining({ name: '金坛区某汽车销售有限公司', street: '尧塘街道' })]);
    await context.close();
  });

  it('R4 R9: the office drafts a plan on the page, sees a team of one refused next to its field, then saves the draft and submits it for approval', async () => {
    const { context, page } = await pageAs(testUsers.coordinator.username);
    await page.goto(`${system.baseUrl}/#/plans`);
    await page.click('details.panel summary');
    const form = page.locator('[data-testid=draft-plan]');
    await form.locator('select[name=kind]').selectOption('monthly');
    await form.locator('input[name=title]').fill('2026年12月单用途预付卡专项抽查');
    await form.locator('input[name=periodStart]').fill('2026-12-01');
    await form.locator('input[name=periodEnd]').fill('2026-12-31');
    await form.locator('input[name=itemCodes][value="SW-YFK-01"]').check();
    await form.locator('input[name="scope.streets"]').fill('金城镇、尧塘街道');
    await form.locator('input[name=targetCount]').fill('3');
    await form.locator('input[name=teamSize]').fill('1');
    await form.locator('button[type=submit]').click();
    const refusal = form.locator('input[name=teamSize] + .field-error');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('不得少于2人');
    await screenshot(page, 'plan-draft-refused');
    expect((await call(system.baseUrl, 'GET', '/plans?pageSize=200')).body.items.map((plan: { title: string }) => plan.title)).not.toContain('2026年12月单用途预付卡专项抽查');

    await form.locator('input[name=teamSize]').fill('2');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=submit-plan]');
    expect(await page.textContent('[data-testid=plan-status]')).toBe('草稿');
    const planId = page.url().split('#/plans/')[1]!;
    const drafted = (await call(system.baseUrl, 'GET', `/plans/${planId}`)).body;
    expect(drafted).toMatchObject({ kind: 'monthly', periodEnd: '2026-12-31', itemCodes: ['SW-YFK-01'], scope: { streets: ['金城镇', '尧塘街道'] }, targetCount: 3, teamSize: 2 });

    await page.click('[data-testid=submit-plan] button[type=submit]');
    await page.waitForSelector('[data-testid=plan-status]:text-is("待审批")');
    await context.close();
  });

  it('R15: an officer records a transfer and a police referral in one disposition form, and after closure that the department accepted the transfer', async () => {
    const refused = await openComplaintCase(system.baseUrl);
    const lead = asOfficer(refused.team[0]!);
    expect((await call(system.baseUrl, 'POST', `/cases/${refused.id}/inspection`, inspectionBody(refused.team, 'refused_inspection', true), lead)).status).toBe(200);
    expect((await call(system.baseUrl, 'POST', `/cases/${refused.id}/review`, { decision: 'approve' })).status).toBe(200);

    const { context, page } = await pageAs(officerUsername(refused.team[0]!));
    await page.goto(`${system.baseUrl}/#/cases/${refused.id}`);
    const form = page.locator('[data-testid=disposition-form]');
    await form.waitFor();
    await form.locator('select[name="dispositions.0.kind"]').selectOption('transfer');
    await form.locator('input[name="dispositions.0.department"]').fill('金坛区市场监督管理局');
    await form.locator('input[name="dispositions.0.reason"]').fill('拒不配合检查，涉嫌无照经营');
    await form.locator('[data-testid=add-disposition]').click();
    await form.locator('select[name="dispositions.1.kind"]').selectOption('police_referral');
    await form.locator('input[name="dispositions.1.reason"]').fill('暴力阻碍执法');
    await form.locator('button[type=submit]').click();
    const closed = await eventually(async () => (await call(system.baseUrl, 'GET', `/cases/${refused.id}`)).body, (found) => found.status === 'closed');
    expect(closed.dispositions.map((disposition: { kind: string; details: { reason: string } }) => [disposition.kind, disposition.details.reason])).toEqual([
      ['transfer', '拒不配合检查，涉嫌无照经营'],
      ['police_referral', '暴力阻碍执法'],
    ]);

    await page.reload();
    const dispositions = page.locator('[data-testid=dispositions]');
    await dispositions.waitFor();
    expect(await dispositions.textContent()).toContain('已移送');
    await page.click('[data-testid=disposition-progress-transfer] button[type=submit]');
    await page.waitForSelector('[data-testid=dispositions] :text("对方已接收")');
    const after = (await call(system.baseUrl, 'GET', `/cases/${refused.id}`)).body;
    expect(after.dispositions.map((disposition: { status: string }) => disposition.status)).toEqual(['accepted', 'sent']);
    await context.close();
  });

  it('R9 R10: the office replaces an officer of a team from the case page, naming the replacement and the reason', async () => {
    const reassigned = await openComplaintCase(system.baseUrl);
    const replacement = await registerOfficer(system.baseUrl);
    const { context, page } = await pageAs(testUsers.coordinator.username);
    await page.goto(`${system.baseUrl}/#/cases/${reassigned.id}`);
    const form = page.locator('[data-testid=reassignment-form]');
    await form.locator(`select[name=replacementId] option[value="${replacement.id}"]`).waitFor({ state: 'attached' });
    await form.locator('select[name=officerId]').selectOption(reassigned.team[0]!);
    await form.locator('select[name=replacementId]').selectOption(replacement.id);
    await form.locator('input[name=reason]').fill('原检查人员调岗');
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=timeline] :text("调整检查组")');
    expect((await call(system.baseUrl, 'GET', `/cases/${reassigned.id}`)).body.team).toEqual([replacement.id, reassigned.team[1]]);
    await context.close();
  });

  it('R17: the office finds a blacklisted entity marked in the entity list, with the reason and a link to its case', async () => {
    await system.db.blacklistEntry.create({
      data: { id: randomUUID(), entityId: opened.entity.id, caseId: opened.id, reason: '拒不履行行政处罚决定', listedAt: new Date() },
    });
    const { context, page } = await pageAs(testUsers.coordinator.username);
    await page.goto(`${system.baseUrl}/#/entities?q=${opened.entity.uscc}`);
    const mark = page.locator('[data-testid=entity-list] [data-testid=blacklisted]');
    await mark.waitFor();
    expect(await mark.textContent()).toContain('严重失信');
    expect(await mark.textContent()).toContain('拒不履行行政处罚决定');
    expect(await mark.locator(`a[href="#/cases/${opened.id}"]`).count()).toBe(1);
    await context.close();
  });

  it('R8 R20: the auditor sees a draw verified, with the teams drawn by name', async () => {
    const { committed: committedDraw, drawn } = await commitAndRunDraw(system.baseUrl, {
      name: '坛商抽查〔2026〕7号',
      rules: { targetCount: 1, teamSize: 2, inspectionDate: new Date().toISOString().slice(0, 10) },
    });
    const committed = { body: committedDraw };
    await eventually(() => call(system.baseUrl, 'GET', `/draws/${drawn.id}`, undefined, testUsers.auditor.headers), (answer) => answer.body.status === 'drawn');

    const { context, page } = await pageAs(testUsers.auditor.username);
    await page.waitForSelector('[data-testid=draw-list]');
    await page.click(`[data-testid=draw-list] a[href="#/draws/${committed.body.id}"]`);
    await page.waitForSelector('[data-testid=verification]');
    expect(await page.textContent('[data-testid=verification]')).toContain('复核通过');
    const picks = await page.textContent('[data-testid=draw-picks]');
    expect(picks).toMatch(/执法员\d+、执法员\d+/);
    await screenshot(page, 'draw-verified');
    await context.close();

    // The public sees the same draw on the disclosure site, without signing in: the commitment made in advance,
    // the seed revealed, and the list drawn by name.
    const visitor = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    holdToContract(visitor, system.baseUrl);
    const publicPage = await visitor.newPage();
    await publicPage.goto(`${system.baseUrl}/disclosure/draws`);
    await publicPage.waitForSelector('[data-testid=public-draws]');
    const card = publicPage.locator('[data-testid=public-draw]', { hasText: '坛商抽查〔2026〕7号' });
    expect(await card.textContent()).toContain(committed.body.commitment);
    expect(await card.textContent()).toContain(drawn.seed);
    await card.locator(`a[href*="id=${drawn.id}"]`).click();
    await publicPage.waitForSelector('[data-testid=public-drawn-list]');
    expect(await publicPage.textContent('[data-testid=public-drawn-list]')).toMatch(/检查人员：执法员\d+、执法员\d+/);
    await visitor.close();
  });
});

async function streamBytes(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  return (await streamBytes(stream)).toString('utf8');
}

describe('the officer on a phone, in Chromium', () => {
  /** How far the page reaches past the 390 px screen: nothing, or the officer scrolls sideways. */
  const overflow = (page: Page) => page.locator('html').evaluate((root) => root.scrollWidth - root.clientWidth);

  it('R9 R12 R13 R14: the workbench, a case and each action form fit a 390 px phone without scrolling sideways, dates read YYYY-MM-DD, and the order form shows its deadline before it is given', async () => {
    const team = [(await registerOfficer(system.baseUrl)).id, (await registerOfficer(system.baseUrl)).id];
    const openFor = async (name: string) => {
      const entity = await call(system.baseUrl, 'POST', '/entities', { uscc: validUscc(), name, category: 'prepaid_card_issuer', street: '西城街道' });
      const answer = await call(system.baseUrl, 'POST', '/cases', { entityId: entity.body.id, origin: 'complaint', reason: '12345 热线投诉', team });
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      return answer.body.id as string;
    };
    const inspectAndApprove = async (id: string, resultCategory: string) => {
      expect((await call(system.baseUrl, 'POST', `/cases/${id}/inspection`, inspectionBody(team, resultCategory, resultCategory === 'no_problem'), asOfficer(team[0]!))).status).toBe(200);
      expect((await call(system.baseUrl, 'POST', `/cases/${id}/review`, { decision: 'approve' })).status).toBe(200);
    };
    const toInspect = await openFor('金坛区华罗庚路某预付卡服务有限责任公司（西城街道分店）');
    const toOrder = await openFor('金坛区某商贸有限公司');
    await inspectAndApprove(toOrder, 'problem_found');
    const toRevisit = await openFor('金坛区某超市有限公司');
    await inspectAndApprove(toRevisit, 'problem_found');
    const dayLong = await call(system.baseUrl, 'POST', `/cases/${toRevisit}/rectification-order`, { requirements: '限期整改', days: 1, overrideReason: '情节轻微' }, asOfficer(team[0]!));
    expect(dayLong.status, JSON.stringify(dayLong.body)).toBe(200);
    const toDispose = await openFor('金坛区某拍卖有限公司');
    await inspectAndApprove(toDispose, 'refused_inspection');
    await eventually(() => call(system.baseUrl, 'GET', `/cases/${toRevisit}`).then((answer) => answer.body.status), (status) => status === 'awaiting_revisit');

    const { context, page } = await pageAs(officerUsername(team[0]!), { width: 390, height: 844 });
    await page.waitForSelector('[data-testid=my-cases]');
    expect(await overflow(page)).toBe(0);
    const visit = async (id: string, forms: string[]) => {
      await page.goto(`${system.baseUrl}/#/cases/${id}`);
      for (const form of forms) await page.waitForSelector(`[data-testid=${form}]`);
      expect(await overflow(page), `case ${id} with ${forms.join(', ')}`).toBe(0);
    };
    await visit(toInspect, ['inspection-form', 'recusal-form']);
    expect(await page.inputValue('[data-testid=inspection-form] input[name=inspectionDate]')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await screenshot(page, 'officer-inspection-form-phone');
    await visit(toOrder, ['rectification-order-form']);
    // R12: before the order is given, the form says the date its period ends on (the bureau's working calendar).
    const preview = page.locator('[data-testid=deadline-preview]');
    await page.fill('[data-testid=rectification-order-form] input[name=days]', '5');
    await expect.poll(() => preview.textContent()).toMatch(/整改期限至 \d{4}年\d{1,2}月\d{1,2}日/);
    await screenshot(page, 'officer-rectification-order-phone');
    await visit(toRevisit, ['revisit-form', 'rectification-report-form']);
    expect(await page.inputValue('[data-testid=revisit-form] input[name=revisitDate]')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await visit(toDispose, ['disposition-form']);
    await context.close();
  });
});
