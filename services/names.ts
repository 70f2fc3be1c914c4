// People by name, for pages that would otherwise show ids: officers act under their directory id, the office
// and leadership under their user id.
import type { Db } from '../db/client';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function namesOf(db: Db, ids: Iterable<string>): Promise<Record<string, string>> {
  const wanted = [...new Set(ids)].filter((id) => uuid.test(id));
  if (wanted.length === 0) return {};
  const [users, officers] = await Promise.all([
    db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, displayName: true } }),
    db.officer.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true } }),
  ]);
  return Object.fromEntries([...users.map((user) => [user.id, user.displayName]), ...officers.map((officer) => [officer.id, officer.name])]);
}
