// Every list answers one page the same way: the count and the page's rows read in one transaction, so the two agree.
import type { Prisma } from '@prisma/client';
import type { Db } from './client';

/** One page of a list, as every list endpoint answers it. */
export interface Page<T> {
  total: number;
  page: number;
  pageSize: number;
  items: T[];
}

/** Which page, counted from 1, of how many rows. */
export interface PageRequest {
  page: number;
  pageSize: number;
}

/**
 * Counts the rows and reads one page of them in one transaction. `count` is the model's unsent count query;
 * `findMany` builds the model's query for the page from its `skip` and `take`. With `map`, each row becomes an item.
 */
export function paged<Row>(db: Db, request: PageRequest, query: PagedQuery<Row>): Promise<Page<Row>>;
export function paged<Row, Item>(db: Db, request: PageRequest, query: PagedQuery<Row>, map: (row: Row, index: number) => Item): Promise<Page<Item>>;
export async function paged<Row, Item>(
  db: Db,
  { page, pageSize }: PageRequest,
  query: PagedQuery<Row>,
  map?: (row: Row, index: number) => Item,
): Promise<Page<Row | Item>> {
  const [total, rows] = await db.$transaction([query.count, query.findMany({ skip: (page - 1) * pageSize, take: pageSize })]);
  return { total, page, pageSize, items: map ? rows.map((row, index) => map(row, index)) : rows };
}

export interface PagedQuery<Row> {
  count: Prisma.PrismaPromise<number>;
  findMany(window: { skip: number; take: number }): Prisma.PrismaPromise<Row[]>;
}
