// 检查对象 (R1): the minimum the first case slice needs — register an entity, read it back.
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import { DomainError } from '../domain/errors';

export interface NewEntity {
  uscc: string;
  name: string;
  legalRepresentative?: string;
  address?: string;
  street?: string;
  category?: string;
}

export async function registerEntity(db: Db, entity: NewEntity) {
  const existing = await db.entity.findUnique({ where: { uscc: entity.uscc }, select: { id: true } });
  if (existing) {
    throw new DomainError('conflict', `统一社会信用代码已登记 / this credit code is already registered (${existing.id})`, [
      { field: 'body.uscc', message: '已存在 / already exists' },
    ]);
  }
  return db.entity.create({ data: { id: randomUUID(), ...entity } });
}

export async function findEntity(db: Db, id: string) {
  const entity = await db.entity.findUnique({ where: { id } });
  if (!entity) throw new DomainError('not_found', `检查对象不存在 / no entity ${id}`);
  return entity;
}
