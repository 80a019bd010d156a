import { and, eq, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client";

type TenantTable = SQLiteTable & { tenantId: SQLiteColumn };
type Row<T extends TenantTable> = T["$inferSelect"];
type NewRow<T extends TenantTable> = Omit<T["$inferInsert"], "tenantId">;

/**
 * The only way services reach workspace data: every read, update and delete is filtered by the
 * workspace's id and every insert is stamped with it, so a query cannot forget its tenant.
 * Methods return unexecuted queries so that a write and its audit entry can share one D1 batch.
 */
export class TenantScope {
  constructor(
    readonly db: Database,
    readonly tenantId: string,
  ) {}

  private where(table: TenantTable, condition?: SQL): SQL {
    return condition ? and(eq(table.tenantId, this.tenantId), condition)! : eq(table.tenantId, this.tenantId);
  }

  select<T extends TenantTable>(table: T, condition?: SQL) {
    return this.db
      .select()
      .from(table as SQLiteTable)
      .where(this.where(table, condition))
      .$dynamic() as unknown as SelectQuery<Row<T>>;
  }

  /**
   * Rows named by an indexed column (ids, a Record's id): the workspace condition carries a unary
   * plus so SQLite finds the rows through that column's index. Without table statistics it would
   * otherwise read every row of the workspace through the tenant index, which grows with the workspace.
   */
  selectNamed<T extends TenantTable>(table: T, condition: SQL) {
    return this.db
      .select()
      .from(table as SQLiteTable)
      .where(and(this.owned(table), condition))
      .$dynamic() as unknown as SelectQuery<Row<T>>;
  }

  /** The workspace condition that leaves the choice of index to the other conditions (see selectNamed). */
  owned(table: TenantTable): SQL {
    return sql`+${table.tenantId} = ${this.tenantId}`;
  }

  async findOne<T extends TenantTable>(table: T, condition: SQL): Promise<Row<T> | undefined> {
    const rows = await this.select(table, condition).limit(1);
    return rows[0];
  }

  insert<T extends TenantTable>(table: T, values: NewRow<T> | NewRow<T>[]) {
    const stamp = (v: NewRow<T>) => ({ ...v, tenantId: this.tenantId });
    return this.db.insert(table).values((Array.isArray(values) ? values.map(stamp) : stamp(values)) as never);
  }

  update<T extends TenantTable>(table: T, set: Partial<NewRow<T>>, condition: SQL) {
    return this.db
      .update(table)
      .set(set as never)
      .where(this.where(table, condition));
  }

  delete<T extends TenantTable>(table: T, condition: SQL) {
    return this.db.delete(table).where(this.where(table, condition));
  }
}

/** The part of drizzle's dynamic select that services use, typed with the table's row. */
interface SelectQuery<R> extends PromiseLike<R[]> {
  limit(n: number): SelectQuery<R>;
  offset(n: number): SelectQuery<R>;
  orderBy(...columns: (SQLiteColumn | SQL)[]): SelectQuery<R>;
}
