// 检查对象类别 (R1, R3): the managed list an entity's category and an item's categories are taken from. A person may
// write a category by its Chinese name or by its code; what is stored is the code.
import { DomainError } from '../domain/errors';
import type { Db } from '../db/client';

export interface EntityCategory {
  code: string;
  name: string;
  nameEn: string;
}

export async function listCategories(db: Db): Promise<EntityCategory[]> {
  return db.entityCategory.findMany({ select: { code: true, name: true, nameEn: true }, orderBy: { code: 'asc' } });
}

/** Each category's Chinese name → its code: the words a file writes. */
export async function categoryWords(db: Db): Promise<Record<string, string>> {
  return Object.fromEntries((await listCategories(db)).map((category) => [category.name, category.code]));
}

/** Resolves a category as written (code, Chinese or English name) to its code, or answers why it cannot. */
export interface CategoryResolver {
  (written: string): string | undefined;
  /** The refusal's words, naming the field: 未知的类别“餐饮服务”. */
  unknown(written: string): string;
}

export async function categoryResolver(db: Db): Promise<CategoryResolver> {
  const categories = await listCategories(db);
  const byWord = new Map<string, string>();
  for (const category of categories) for (const word of [category.code, category.name, category.nameEn]) byWord.set(word, category.code);
  const resolve = ((written: string) => byWord.get(written.trim())) as CategoryResolver;
  const shown = categories.map((category) => category.name).join('、');
  resolve.unknown = (written) => `未知的类别“${written}”，应为类别清单中的一项：${shown} / unknown category "${written}": use one of the bureau's list (GET /entity-categories)`;
  return resolve;
}

/** The codes of categories as written; an unknown one is refused, naming the field (e.g. `body.category`). */
export async function resolveCategories(db: Db, written: string[], field: string): Promise<string[]> {
  const resolve = await categoryResolver(db);
  const problems = written.filter((word) => resolve(word) === undefined).map((word) => ({ field, message: resolve.unknown(word) }));
  if (problems.length > 0) throw new DomainError('invalid', problems[0]!.message, problems);
  return written.map((word) => resolve(word)!);
}

export async function addCategory(db: Db, category: EntityCategory): Promise<EntityCategory> {
  const clash = await db.entityCategory.findFirst({ where: { OR: [{ code: category.code }, { name: category.name }] } });
  if (clash) {
    const field = clash.code === category.code ? 'body.code' : 'body.name';
    throw new DomainError('conflict', `类别已存在：${clash.name}（${clash.code}）/ the category exists`, [{ field, message: '已存在 / already exists' }]);
  }
  return db.entityCategory.create({ data: category, select: { code: true, name: true, nameEn: true } });
}
