/** Database exports (perf's export-to-sqlite.py / export-to-postgresql.py layout). */
export { type DbExportCounts, type DbExportOptions, exportRows, type RowSink, type SqlValue } from "./db-export.ts";
export { exportToPostgres, type PostgresTarget, parsePostgresTarget } from "./postgres.ts";
export * from "./schema.ts";
export { exportToSqlite } from "./sqlite.ts";
