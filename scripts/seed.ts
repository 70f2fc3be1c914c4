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

async function seedEntities(db: Db, count: number): Promise<number> {
  const existing = await db.entity.count();
  if (existing >= count) return 0;
  const rows = Array.from({ length: count - existing }, (_, offset) => {
    const index = existing + offset;
    const first17 = `91320482MA${String(index).padStart(7, '0')}`;
    const category = categories[index % categories.length]!;
    return {
      id: randomUUID(),
      uscc: first17 + usccCheckCharacter(first17),
      name: `金坛区${streets[index % streets.length]!.replace(/街道|镇/, '')}${category.includes('car') ? '汽车' : '商贸'}有限公司${index + 1}号`,
      legalRepresentative: `${surnames[index % surnames.length]}某`,
      street: streets[index % streets.length]!,
      category,
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
    for (const item of items) await db.inspectionItem.upsert({ where: { code: item.code }, update: {}, create: item });
    const addedEntities = await seedEntities(db, 3_000);

    const today = new Date();
    const officers: string[] = [];
    if ((await db.officer.count()) === 0) {
      for (let index = 0; index < 20; index += 1) {
        const until = new Date(today.getTime() + (index < 3 ? (index + 1) * 10 : 400 + index * 30) * 86_400_000);
        const officer = await db.officer.create({
          data: {
            id: randomUUID(),
            name: `${surnames[index]}${['伟', '芳', '娜', '敏', '静', '强', '磊', '军'][index % 8]}`,
            unit: index < 14 ? '商务综合行政执法大队' : '市场运行科',
            post: index < 14 ? (index < 2 ? '执法大队负责人' : '执法队员') : '科员',
            affiliation: index < 14 ? '在编（行政编制）' : '在编（事业编制）',
            gender: index % 3 === 0 ? 'female' : 'male',
            certificateNumber: `3204820${String(1000 + index)}`,
            certificateValidUntil: until,
            specialties: [['prepaid_card'], ['vehicles'], ['refined_oil'], ['prepaid_card', 'vehicles']][index % 4]!,
          },
        });
        officers.push(officer.id);
      }
    }

    const password = process.env.SEED_PASSWORD ?? 'jintan-demo-2026';
    const users = [
      { username: 'leader', displayName: '局长', roles: ['leadership'] as const },
      { username: 'office', displayName: '执法大队办公室', roles: ['coordinator'] as const },
      { username: 'auditor', displayName: '审计监督', roles: ['auditor'] as const },
    ];
    for (const user of users) {
      if (!(await db.user.findUnique({ where: { username: user.username } }))) {
        await createUser(db, { ...user, roles: [...user.roles], password });
      }
    }
    for (const [index, officerId] of officers.entries()) {
      await createUser(db, { username: `officer${index + 1}`, displayName: `执法员${index + 1}`, password, roles: ['officer'], officerId });
    }

    let planNumber: string | undefined;
    if ((await db.plan.count()) === 0) {
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
        owner: 'seed',
      });
      const temporal = await connectClient(config);
      const handle = await temporal.workflow.start(planWorkflow, {
        workflowId: planWorkflowId(plan.id),
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ planId: plan.id, number: plan.number, createdBy: 'seed', timing: caseTimingFrom(config) }],
      });
      // Submitted, so it awaits leadership's approval; this needs the worker of a running system.
      const submitted = await Promise.race([
        handle.executeUpdate(submitPlan, { args: [{ actor: { id: 'seed', roles: ['coordinator'] } }] }).then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 30_000).unref()),
      ]);
      if (!submitted) console.warn('The plan was drafted but no worker answered to submit it: start `npm start` and submit it from the API.');
      await temporal.connection.close();
      planNumber = plan.number;
    }
    console.log(
      JSON.stringify({ items: items.length, entitiesAdded: addedEntities, officersAdded: officers.length, plan: planNumber ?? '(already there)', signIn: `leader / office / auditor / officer1… with the password ${process.env.SEED_PASSWORD ? 'from SEED_PASSWORD' : password}` }),
    );
  } finally {
    await db.$disconnect();
  }
}

main().catch(exitOnStartupError);
