// `npm run seed`: a realistic bureau on DATABASE_URL (npm start's embedded database when run through
// `npm run seed` while `npm start` is up — see the README): ~3,000 market entities across the commerce
// categories with valid credit codes in Jintan's streets and towns, twenty officers (some certificates about to
// expire), a dozen inspection items with their legal bases, users to sign in with, and an annual plan awaiting
// approval. Safe to run again: it adds nothing that is already there.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { exitOnStartupError, loadConfig } from '../config';
import { createDb, type Db } from '../db/client';
import { usccCheckCharacter } from '../domain/uscc';
import { runningEmbeddedPostgresUrl } from '../infra/embeddedPostgres';
import { projectRoot } from '../infra/paths';
import { connectClient } from '../infra/temporalConnection';
import { caseTimingFrom } from '../config/caseTiming';
import { createUser } from '../services/auth';
import { createPlanRow } from '../services/plans';
import { planWorkflow, planWorkflowId, submitPlan } from '../workflows/plan';

const streets = ['西城街道', '东城街道', '金城镇', '尧塘街道', '儒林镇', '直溪镇', '朱林镇', '薛埠镇', '指前镇'];

const items = [
  { code: 'SW-YFK-01', name: '单用途商业预付卡发卡企业备案及资金存管', legalBasis: '《单用途商业预付卡管理办法（试行）》第七条、第二十条', categories: ['prepaid_card_issuer'], kind: 'key', requiredSpecialty: 'prepaid_card' },
  { code: 'SW-YFK-02', name: '预付卡发行规模与预收资金余额报送', legalBasis: '《单用途商业预付卡管理办法（试行）》第二十四条', categories: ['prepaid_card_issuer'], kind: 'general' },
  { code: 'SW-ZSH-01', name: '再生资源回收经营者备案', legalBasis: '《再生资源回收管理办法》第七条', categories: ['renewable_resource_recycler'], kind: 'general' },
  { code: 'SW-ZSH-02', name: '生产性废旧金属收购登记', legalBasis: '《再生资源回收管理办法》第十条', categories: ['renewable_resource_recycler'], kind: 'key' },
  { code: 'SW-BFC-01', name: '报废机动车回收拆解企业资质与拆解行为', legalBasis: '《报废机动车回收管理办法》第六条、第十二条', categories: ['end_of_life_vehicle_recycler'], kind: 'key', requiredSpecialty: 'vehicles' },
  { code: 'SW-ESC-01', name: '二手车交易市场经营者经营行为', legalBasis: '《二手车流通管理办法》第十条、第二十七条', categories: ['used_car_market'], kind: 'general', requiredSpecialty: 'vehicles' },
  { code: 'SW-QCXS-01', name: '汽车销售商信息报送与销售行为', legalBasis: '《汽车销售管理办法》第二十七条、第二十八条', categories: ['auto_dealer'], kind: 'general', requiredSpecialty: 'vehicles' },
  { code: 'SW-PM-01', name: '拍卖企业经营活动', legalBasis: '《拍卖管理办法》第三十六条', categories: ['auctioneer'], kind: 'general' },
  { code: 'SW-CPY-01', name: '成品油零售经营者经营行为', legalBasis: '《江苏省成品油流通管理办法》相关条款', categories: ['refined_oil_retailer'], kind: 'key', requiredSpecialty: 'refined_oil' },
  { code: 'SW-DS-01', name: '典当行经营行为', legalBasis: '《典当管理办法》第二十六条', categories: ['pawnshop'], kind: 'general' },
  { code: 'SW-ZL-01', name: '融资租赁企业经营行为', legalBasis: '《融资租赁企业监督管理办法》第十八条', categories: ['financial_leasing'], kind: 'general' },
  { code: 'SW-LSL-01', name: '零售商促销行为', legalBasis: '《零售商促销行为管理办法》第二十四条', categories: ['retailer'], kind: 'general' },
];

const categories = [...new Set(items.flatMap((item) => item.categories))];
const surnames = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '朱', '马', '胡', '郭', '何', '高', '林', '董'];
const givenNames = ['建国', '秀英', '志强', '丽华', '国平', '海燕', '晓东', '桂兰', '文军', '红梅', '立新', '玉珍', '振华', '春燕', '永刚', '雪琴'];
/** 字号: the trade names a firm registers, as Jintan's firms have them. */
const tradeNames = [
  '金沙', '茅山', '长荡湖', '华罗庚', '愚池', '钱资湖', '东方', '恒通', '鑫源', '宏达', '瑞丰', '德润', '盛泰', '永康', '佳和', '天一',
  '汇金', '益民', '福源', '丰泽', '嘉禾', '兴隆', '聚贤', '同创', '新业', '明辉', '安达', '金鼎', '润泽', '诚信', '中兴', '常金',
];
/** 行业表述 by category: what the name says the firm does. */
const trades: Record<string, string[]> = {
  prepaid_card_issuer: ['健身服务', '美容美发', '教育培训', '洗衣服务', '餐饮管理'],
  renewable_resource_recycler: ['再生资源回收', '物资回收'],
  end_of_life_vehicle_recycler: ['报废汽车回收拆解'],
  used_car_market: ['二手车交易市场', '二手车经纪'],
  auto_dealer: ['汽车销售服务', '汽车贸易'],
  auctioneer: ['拍卖'],
  refined_oil_retailer: ['石油销售', '加油站'],
  pawnshop: ['典当'],
  financial_leasing: ['融资租赁'],
  retailer: ['超市', '百货', '商贸'],
};
const roads = ['华罗庚路', '金沙大道', '东门大街', '南环二路', '北环东路', '丹阳门路', '金城大道', '愚池路', '钱资湖大道', '西环一路', '尧塘大街', '儒林路'];
const riskLevels = ['low', 'low', 'medium', 'low', 'high'] as const;
const grades = ['A', 'B', 'B', 'C', 'D'] as const;

/** 常州市金坛区茅山健身服务有限公司: a distinct, plausible name for the index-th entity of a category. */
function entityName(index: number, category: string): string {
  const kinds = trades[category] ?? ['商贸'];
  const trade = tradeNames[index % tradeNames.length]!;
  const kind = kinds[Math.floor(index / tradeNames.length) % kinds.length]!;
  const town = streets[Math.floor(index / (tradeNames.length * kinds.length)) % streets.length]!.replace(/街道|镇/, '');
  const branch = Math.floor(index / (tradeNames.length * kinds.length * streets.length));
  return `常州市金坛区${town}${trade}${kind}有限公司${branch > 0 ? `第${branch + 1}分公司` : ''}`;
}

async function seedEntities(db: Db, count: number): Promise<number> {
  const existing = await db.entity.count();
  if (existing >= count) return 0;
  const rows = Array.from({ length: count - existing }, (_, offset) => {
    const index = existing + offset;
    const first17 = `91320482MA${String(index).padStart(7, '0')}`;
    const category = categories[index % categories.length]!;
    const street = streets[index % streets.length]!;
    return {
      id: randomUUID(),
      uscc: first17 + usccCheckCharacter(first17),
      name: entityName(Math.floor(index / categories.length), category),
      legalRepresentative: `${surnames[index % surnames.length]}${givenNames[Math.floor(index / surnames.length) % givenNames.length]}`,
      address: `常州市金坛区${street}${roads[index % roads.length]}${(index % 280) + 1}号`,
      street,
      category,
      grade: grades[index % grades.length]!,
      riskLevel: riskLevels[index % riskLevels.length]!,
      legalStatus: index % 37 === 0 ? ('deregistered' as const) : ('operating' as const),
    };
  });
  await db.entity.createMany({ data: rows, skipDuplicates: true });
  return rows.length;
}

async function main(): Promise<void> {
  const settings = loadConfig();
  // Without addresses, the seed goes to the embedded services of a running `npm start`.
  const config = {
    ...settings,
    DATABASE_URL: settings.DATABASE_URL ?? runningEmbeddedPostgresUrl(path.resolve(projectRoot, settings.DATA_DIR), settings.EMBEDDED_POSTGRES_PORT),
    TEMPORAL_ADDRESS: settings.TEMPORAL_ADDRESS ?? `127.0.0.1:${settings.TEMPORAL_DEV_PORT}`,
  };
  const db = createDb(config.DATABASE_URL, 2);
  try {
    // What a run leaves as it found it, said rather than silently passed over.
    const skipped: string[] = [];
    const knownItems = new Set((await db.inspectionItem.findMany({ where: { code: { in: items.map((item) => item.code) } }, select: { code: true } })).map((item) => item.code));
    for (const item of items) if (!knownItems.has(item.code)) await db.inspectionItem.create({ data: item });
    if (knownItems.size > 0) skipped.push(`${knownItems.size} inspection items already there, left as they are`);
    const addedEntities = await seedEntities(db, 3_000);
    if (addedEntities === 0) skipped.push('entities: the directory already holds 3,000 or more');

    const today = new Date();
    const officers: Array<{ id: string; name: string }> = [];
    const officersThere = await db.officer.count();
    if (officersThere === 0) {
      for (let index = 0; index < 20; index += 1) {
        const until = new Date(today.getTime() + (index < 3 ? (index + 1) * 10 : 400 + index * 30) * 86_400_000);
        const officer = await db.officer.create({
          data: {
            id: randomUUID(),
            name: `${surnames[index]}${['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '晓燕', '建华', '立新', '海峰'][index % 12]}`,
            unit: index < 14 ? '商务综合行政执法大队' : '市场运行科',
            post: index < 14 ? (index < 2 ? '执法大队负责人' : '执法队员') : '科员',
            affiliation: index < 14 ? '在编（行政编制）' : '在编（事业编制）',
            gender: index % 3 === 0 ? 'female' : 'male',
            certificateNumber: `3204820${String(1000 + index)}`,
            certificateValidUntil: until,
            specialties: [['prepaid_card'], ['vehicles'], ['refined_oil'], ['prepaid_card', 'vehicles']][index % 4]!,
          },
          select: { id: true, name: true },
        });
        officers.push(officer);
      }
    } else {
      skipped.push(`officers and their users officer1…officer20: the directory already holds ${officersThere} officers`);
    }

    const password = process.env.SEED_PASSWORD ?? 'jintan-demo-2026';
    const users = [
      { username: 'leader', displayName: '局长', roles: ['leadership'] as const },
      { username: 'office', displayName: '执法大队办公室', roles: ['coordinator'] as const },
      { username: 'auditor', displayName: '审计监督', roles: ['auditor'] as const },
    ];
    for (const user of users) {
      if (!(await db.user.findUnique({ where: { username: user.username } }))) await createUser(db, { ...user, roles: [...user.roles], password });
      else skipped.push(`user ${user.username}: already there, password unchanged`);
    }
    for (const [index, officer] of officers.entries()) {
      await createUser(db, { username: `officer${index + 1}`, displayName: officer.name, password, roles: ['officer'], officerId: officer.id });
    }

    let planNumber: string | undefined;
    if ((await db.plan.count()) === 0) {
      // The brigade office drafts and submits the plan, so its history names the office, as it would be.
      const office = await db.user.findUniqueOrThrow({ where: { username: 'office' }, select: { id: true } });
      const year = today.getFullYear() + 1;
      const plan = await createPlanRow(db, {
        kind: 'annual',
        title: `${year}年度商务领域“双随机一公开”抽查计划`,
        periodStart: `${year}-01-01`,
        periodEnd: `${year}-12-31`,
        itemCodes: items.map((item) => item.code),
        scope: {},
        targetCount: 60,
        teamSize: 2,
        owner: office.id,
      });
      const temporal = await connectClient(config);
      const handle = await temporal.workflow.start(planWorkflow, {
        workflowId: planWorkflowId(plan.id),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ planId: plan.id, number: plan.number, createdBy: office.id, timing: caseTimingFrom(config) }],
      });
      // Submitted, so it awaits leadership's approval; this needs the worker of a running system.
      const submitted = await Promise.race([
        handle.executeUpdate(submitPlan, { args: [{ actor: { id: office.id, roles: ['coordinator'] } }] }).then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 30_000).unref()),
      ]);
      if (!submitted) console.warn('The plan was drafted but no worker answered to submit it: start `npm start` and submit it from the API.');
      await temporal.connection.close();
      planNumber = plan.number;
    } else {
      skipped.push('the annual plan: a plan already exists');
    }
    const officerUsers = officers.length ? ` / officer1…officer${officers.length}` : '';
    console.log(
      JSON.stringify({
        items: items.length - knownItems.size,
        entitiesAdded: addedEntities,
        officersAdded: officers.length,
        plan: planNumber ?? '(already there)',
        signIn: `leader / office / auditor${officerUsers} with the password ${process.env.SEED_PASSWORD ? 'from SEED_PASSWORD' : password}`,
        skipped,
      }),
    );
  } finally {
    await db.$disconnect();
  }
}

main().catch(exitOnStartupError);
