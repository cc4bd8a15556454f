/**
 * A stack trie over interned name ids: children keyed by one number (parent and name packed),
 * so adding a stack costs one Map lookup per frame and allocates nothing for stacks seen before.
 */

/** Names per node: packing keeps (node, name) exact in a double while both stay in range. */
const NAME_SPAN = 2 ** 24;
const MAX_NODES = 2 ** 28;

/** Interned strings: id per distinct string. */
export class StringTable {
  readonly strings: string[] = [];
  readonly #ids = new Map<string, number>();

  /** The id of `s`, added on first use. */
  intern(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }
}

/**
 * Nodes 1..n under the root 0; each knows its parent, name and the samples ending in it. Ids
 * grow in creation order, so a node's children in id order are in the order first seen.
 */
export class StackTrie {
  readonly parent: number[] = [-1];
  readonly name: number[] = [-1];
  /** Weight of samples whose stack ends exactly here (self weight). */
  readonly self: number[] = [0];
  readonly #child = new Map<number, number>();

  /** Number of nodes, root included. */
  get size(): number {
    return this.parent.length;
  }

  /** The child of `node` named `name`, created on first use. */
  child(node: number, name: number): number {
    if (name >= NAME_SPAN) throw new RangeError(`too many distinct names (${name})`);
    const key = node * NAME_SPAN + name;
    let c = this.#child.get(key);
    if (c === undefined) {
      c = this.parent.length;
      if (c >= MAX_NODES) throw new RangeError(`too many distinct stacks (${c})`);
      this.parent.push(node);
      this.name.push(name);
      this.self.push(0);
      this.#child.set(key, c);
    }
    return c;
  }
}
