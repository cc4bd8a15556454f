/** perf's call path tree (util/call-path.c) with db_export__call_path's id assignment. */

/** One node: a (symbol, ip) under its parent; ip is 0 when the symbol is known. */
export interface CallPathNode {
  id: number;
  readonly parent: CallPathNode | null;
  readonly symbolId: number;
  readonly ip: bigint;
  readonly bySymbol: Map<number, CallPathNode>;
  readonly byIp: Map<bigint, CallPathNode>;
}

function node(parent: CallPathNode | null, symbolId: number, ip: bigint): CallPathNode {
  return { id: 0, parent, symbolId, ip, bySymbol: new Map(), byIp: new Map() };
}

/** The tree and its id counter. `emit` receives each new row (id, parent_id, symbol_id, ip). */
export class CallPaths {
  readonly root = node(null, 0, 0n);
  #lastId = 0;
  #pending: CallPathNode[] = [];

  constructor(private readonly emit: (id: number, parentId: number, symbolId: number, ip: bigint) => void) {}

  /** call_path__findnew: the child of `parent` for a symbol id (0 = none) and raw ip. */
  child(parent: CallPathNode, symbolId: number, ip: bigint): CallPathNode {
    if (symbolId !== 0) {
      let c = parent.bySymbol.get(symbolId);
      if (!c) {
        c = node(parent, symbolId, 0n);
        parent.bySymbol.set(symbolId, c);
      }
      return c;
    }
    let c = parent.byIp.get(ip);
    if (!c) {
      c = node(parent, 0, ip);
      parent.byIp.set(ip, c);
    }
    return c;
  }

  /** db_export__call_path: ids for `leaf` and its unexported ancestors, root first; returns leaf's id. */
  export(leaf: CallPathNode): number {
    if (leaf.id) return leaf.id;
    const chain = this.#pending;
    chain.length = 0;
    for (let n: CallPathNode | null = leaf; n && !n.id; n = n.parent) chain.push(n);
    for (let i = chain.length - 1; i >= 0; i--) {
      const n = chain[i]!;
      n.id = ++this.#lastId;
      this.emit(n.id, n.parent ? n.parent.id : 0, n.symbolId, n.ip);
    }
    return leaf.id;
  }

  /** How many call paths were exported. */
  get count(): number {
    return this.#lastId;
  }
}
