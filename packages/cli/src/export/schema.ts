/**
 * The database layout of perf's export-to-sqlite.py / export-to-postgresql.py (perf 6.1):
 * the same tables, columns, types and views, for either dialect. The Intel PT power tables
 * (ptwrite, cbr, mwait, pwre, exstop, pwrx) and `calls` are left out: perf drops the power
 * tables when empty, and nothing outside AUX-area decoding fills them.
 */

/** Which database the SQL is for. */
export type Dialect = "sqlite" | "postgresql";

/** How a column's values are encoded (binary COPY needs the width). */
export type ColumnKind = "i8" | "i4" | "bool" | "text";

/** One column: its name per dialect and its kind. */
export interface Column {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The declared type text (varchar(n), bigint, …) as perf's scripts write it. */
  readonly type: string;
}

/** The tables perfkit fills. */
export type TableName =
  | "selected_events"
  | "machines"
  | "threads"
  | "comms"
  | "comm_threads"
  | "dsos"
  | "symbols"
  | "branch_types"
  | "samples"
  | "call_paths"
  | "context_switches";

/** A table: name and columns in insertion order. */
export interface Table {
  readonly name: TableName;
  readonly columns: readonly Column[];
}

/** Which optional parts of the schema exist (the scripts' `branches` and `callchains` arguments). */
export interface SchemaOptions {
  /** The `branches` column set: samples without period, weight, transaction and data_src. */
  readonly branches: boolean;
  /** Create and fill call_paths (and call_paths_view). */
  readonly callchains: boolean;
}

function col(name: string, type: string): Column {
  const kind: ColumnKind = type === "bigint" ? "i8" : type === "integer" ? "i4" : type === "boolean" ? "bool" : "text";
  return { name, kind, type };
}

const ID = col("id", "bigint");

/** Sample columns in perf's sample_table() argument order; the `branches` set drops indices 15-18. */
const SAMPLE_COLUMNS: readonly Column[] = [
  ID,
  col("evsel_id", "bigint"),
  col("machine_id", "bigint"),
  col("thread_id", "bigint"),
  col("comm_id", "bigint"),
  col("dso_id", "bigint"),
  col("symbol_id", "bigint"),
  col("sym_offset", "bigint"),
  col("ip", "bigint"),
  col("time", "bigint"),
  col("cpu", "integer"),
  col("to_dso_id", "bigint"),
  col("to_symbol_id", "bigint"),
  col("to_sym_offset", "bigint"),
  col("to_ip", "bigint"),
  col("period", "bigint"),
  col("weight", "bigint"),
  col("transaction", "bigint"),
  col("data_src", "bigint"),
  col("branch_type", "integer"),
  col("in_tx", "boolean"),
  col("call_path_id", "bigint"),
  col("insn_count", "bigint"),
  col("cyc_count", "bigint"),
  col("flags", "integer"),
];

/** Indices of the sample columns the `branches` column set leaves out. */
export const BRANCHES_DROPPED = [15, 16, 17, 18] as const;

/** The tables to create, in perf's order. */
export function tables(options: SchemaOptions): Table[] {
  const t: Table[] = [
    { name: "selected_events", columns: [ID, col("name", "varchar(80)")] },
    { name: "machines", columns: [ID, col("pid", "integer"), col("root_dir", "varchar(4096)")] },
    {
      name: "threads",
      columns: [
        ID,
        col("machine_id", "bigint"),
        col("process_id", "bigint"),
        col("pid", "integer"),
        col("tid", "integer"),
      ],
    },
    {
      name: "comms",
      columns: [
        ID,
        col("comm", "varchar(16)"),
        col("c_thread_id", "bigint"),
        col("c_time", "bigint"),
        col("exec_flag", "boolean"),
      ],
    },
    { name: "comm_threads", columns: [ID, col("comm_id", "bigint"), col("thread_id", "bigint")] },
    {
      name: "dsos",
      columns: [
        ID,
        col("machine_id", "bigint"),
        col("short_name", "varchar(256)"),
        col("long_name", "varchar(4096)"),
        col("build_id", "varchar(64)"),
      ],
    },
    {
      name: "symbols",
      columns: [
        ID,
        col("dso_id", "bigint"),
        col("sym_start", "bigint"),
        col("sym_end", "bigint"),
        col("binding", "integer"),
        col("name", "varchar(2048)"),
      ],
    },
    { name: "branch_types", columns: [col("id", "integer"), col("name", "varchar(80)")] },
    {
      name: "samples",
      columns: options.branches
        ? SAMPLE_COLUMNS.filter((_, i) => !(BRANCHES_DROPPED as readonly number[]).includes(i))
        : SAMPLE_COLUMNS,
    },
  ];
  if (options.callchains)
    t.push({
      name: "call_paths",
      columns: [ID, col("parent_id", "bigint"), col("symbol_id", "bigint"), col("ip", "bigint")],
    });
  t.push({
    name: "context_switches",
    columns: [
      ID,
      col("machine_id", "bigint"),
      col("time", "bigint"),
      col("cpu", "integer"),
      col("thread_out_id", "bigint"),
      col("comm_out_id", "bigint"),
      col("thread_in_id", "bigint"),
      col("comm_in_id", "bigint"),
      col("flags", "integer"),
    ],
  });
  return t;
}

/** A column's name in a dialect: SQLite renames the reserved `transaction` to `transaction_`. */
export function columnName(c: Column, dialect: Dialect): string {
  return dialect === "sqlite" && c.name === "transaction" ? "transaction_" : c.name;
}

/** CREATE TABLE as perf writes it (SQLite: `id integer NOT NULL PRIMARY KEY`; PostgreSQL: keys added after COPY). */
export function createTableSql(t: Table, dialect: Dialect): string {
  const cols = t.columns.map((c, i) => {
    const name = columnName(c, dialect);
    if (i === 0) return dialect === "sqlite" ? `${name} integer NOT NULL PRIMARY KEY` : `${name} ${c.type} NOT NULL`;
    return `${name} ${c.type}`;
  });
  return `CREATE TABLE ${t.name} (${cols.join(", ")})`;
}

function hex(dialect: Dialect, x: string): string {
  return dialect === "sqlite" ? `printf('%x', ${x})` : `to_hex(${x})`;
}

function ipc(dialect: Dialect): string {
  return dialect === "sqlite"
    ? "CASE WHEN cyc_count=0 THEN CAST(0 AS FLOAT) ELSE ROUND(CAST(insn_count AS FLOAT) / cyc_count, 2) END AS IPC"
    : "CASE WHEN cyc_count=0 THEN CAST(0 AS NUMERIC(20, 2)) ELSE CAST((CAST(insn_count AS FLOAT) / cyc_count) AS NUMERIC(20, 2)) END AS IPC";
}

/** The views, in perf's order (context_switches_view last: dropped with its table when empty). */
export function viewsSql(dialect: Dialect, options: SchemaOptions): { name: string; sql: string }[] {
  const v: { name: string; sql: string }[] = [];
  const add = (name: string, select: string): void => {
    v.push({ name, sql: `CREATE VIEW ${name} AS SELECT ${select}` });
  };
  add(
    "machines_view",
    "id,pid,root_dir,CASE WHEN id=0 THEN 'unknown' WHEN pid=-1 THEN 'host' ELSE 'guest' END AS host_or_guest FROM machines",
  );
  add(
    "dsos_view",
    "id,machine_id,(SELECT host_or_guest FROM machines_view WHERE id = machine_id) AS host_or_guest,short_name,long_name,build_id FROM dsos",
  );
  add(
    "symbols_view",
    "id,name,(SELECT short_name FROM dsos WHERE id=dso_id) AS dso,dso_id,sym_start,sym_end,CASE WHEN binding=0 THEN 'local' WHEN binding=1 THEN 'global' ELSE 'weak' END AS binding FROM symbols",
  );
  add(
    "threads_view",
    "id,machine_id,(SELECT host_or_guest FROM machines_view WHERE id = machine_id) AS host_or_guest,process_id,pid,tid FROM threads",
  );
  add(
    "comm_threads_view",
    "comm_id,(SELECT comm FROM comms WHERE id = comm_id) AS command,thread_id,(SELECT pid FROM threads WHERE id = thread_id) AS pid,(SELECT tid FROM threads WHERE id = thread_id) AS tid FROM comm_threads",
  );
  if (options.callchains)
    add(
      "call_paths_view",
      `c.id,${hex(dialect, "c.ip")} AS ip,c.symbol_id,(SELECT name FROM symbols WHERE id = c.symbol_id) AS symbol,` +
        "(SELECT dso_id FROM symbols WHERE id = c.symbol_id) AS dso_id,(SELECT dso FROM symbols_view  WHERE id = c.symbol_id) AS dso_short_name," +
        `c.parent_id,${hex(dialect, "p.ip")} AS parent_ip,p.symbol_id AS parent_symbol_id,(SELECT name FROM symbols WHERE id = p.symbol_id) AS parent_symbol,` +
        "(SELECT dso_id FROM symbols WHERE id = p.symbol_id) AS parent_dso_id,(SELECT dso FROM symbols_view  WHERE id = p.symbol_id) AS parent_dso_short_name" +
        " FROM call_paths c INNER JOIN call_paths p ON p.id = c.parent_id",
    );
  add(
    "samples_view",
    "id,time,cpu,(SELECT pid FROM threads WHERE id = thread_id) AS pid,(SELECT tid FROM threads WHERE id = thread_id) AS tid," +
      "(SELECT comm FROM comms WHERE id = comm_id) AS command,(SELECT name FROM selected_events WHERE id = evsel_id) AS event," +
      `${hex(dialect, "ip")} AS ip_hex,(SELECT name FROM symbols WHERE id = symbol_id) AS symbol,sym_offset,` +
      "(SELECT short_name FROM dsos WHERE id = dso_id) AS dso_short_name," +
      `${hex(dialect, "to_ip")} AS to_ip_hex,(SELECT name FROM symbols WHERE id = to_symbol_id) AS to_symbol,to_sym_offset,` +
      "(SELECT short_name FROM dsos WHERE id = to_dso_id) AS to_dso_short_name," +
      "(SELECT name FROM branch_types WHERE id = branch_type) AS branch_type_name,in_tx,insn_count,cyc_count," +
      `${ipc(dialect)},flags FROM samples`,
  );
  const elseFlags =
    dialect === "sqlite" ? "ELSE context_switches.flags " : "ELSE CAST ( context_switches.flags AS VARCHAR(11) )";
  add(
    "context_switches_view",
    "context_switches.id,context_switches.machine_id,context_switches.time,context_switches.cpu," +
      "th_out.pid AS pid_out,th_out.tid AS tid_out,comm_out.comm AS comm_out,th_in.pid AS pid_in,th_in.tid AS tid_in,comm_in.comm AS comm_in," +
      "CASE	  WHEN context_switches.flags = 0 THEN 'in' WHEN context_switches.flags = 1 THEN 'out' WHEN context_switches.flags = 3 THEN 'out preempt' " +
      `${elseFlags}END AS flags FROM context_switches` +
      " INNER JOIN threads AS th_out ON th_out.id   = context_switches.thread_out_id" +
      " INNER JOIN threads AS th_in  ON th_in.id    = context_switches.thread_in_id" +
      " INNER JOIN comms AS comm_out ON comm_out.id = context_switches.comm_out_id" +
      " INNER JOIN comms AS comm_in  ON comm_in.id  = context_switches.comm_in_id",
  );
  return v;
}

/** perf's PostgreSQL foreign keys, added after the COPY (as export-to-postgresql.py does). */
export function foreignKeysSql(options: SchemaOptions): string[] {
  const s = [
    "ALTER TABLE threads ADD CONSTRAINT machinefk FOREIGN KEY (machine_id) REFERENCES machines (id), ADD CONSTRAINT processfk FOREIGN KEY (process_id) REFERENCES threads (id)",
    "ALTER TABLE comms ADD CONSTRAINT threadfk FOREIGN KEY (c_thread_id) REFERENCES threads (id)",
    "ALTER TABLE comm_threads ADD CONSTRAINT commfk FOREIGN KEY (comm_id) REFERENCES comms (id), ADD CONSTRAINT threadfk FOREIGN KEY (thread_id) REFERENCES threads (id)",
    "ALTER TABLE dsos ADD CONSTRAINT machinefk FOREIGN KEY (machine_id) REFERENCES machines (id)",
    "ALTER TABLE symbols ADD CONSTRAINT dsofk FOREIGN KEY (dso_id) REFERENCES dsos (id)",
    "ALTER TABLE samples ADD CONSTRAINT evselfk FOREIGN KEY (evsel_id) REFERENCES selected_events (id), ADD CONSTRAINT machinefk FOREIGN KEY (machine_id) REFERENCES machines (id), ADD CONSTRAINT threadfk FOREIGN KEY (thread_id) REFERENCES threads (id), ADD CONSTRAINT commfk FOREIGN KEY (comm_id) REFERENCES comms (id), ADD CONSTRAINT dsofk FOREIGN KEY (dso_id) REFERENCES dsos (id), ADD CONSTRAINT symbolfk FOREIGN KEY (symbol_id) REFERENCES symbols (id), ADD CONSTRAINT todsofk FOREIGN KEY (to_dso_id) REFERENCES dsos (id), ADD CONSTRAINT tosymbolfk FOREIGN KEY (to_symbol_id) REFERENCES symbols (id)",
  ];
  if (options.callchains)
    s.push(
      "ALTER TABLE call_paths ADD CONSTRAINT parentfk FOREIGN KEY (parent_id) REFERENCES call_paths (id), ADD CONSTRAINT symbolfk FOREIGN KEY (symbol_id) REFERENCES symbols (id)",
    );
  s.push(
    "ALTER TABLE context_switches ADD CONSTRAINT machinefk FOREIGN KEY (machine_id) REFERENCES machines (id), ADD CONSTRAINT toutfk FOREIGN KEY (thread_out_id) REFERENCES threads (id), ADD CONSTRAINT tinfk FOREIGN KEY (thread_in_id) REFERENCES threads (id), ADD CONSTRAINT coutfk FOREIGN KEY (comm_out_id) REFERENCES comms (id), ADD CONSTRAINT cinfk FOREIGN KEY (comm_in_id) REFERENCES comms (id)",
  );
  return s;
}
