/**
 * Blocks of a graph by module path (GraphData's `blocks`): the order in which they run. Used where the graph
 * data is made (analysis/graph-data.ts: children in call order) and where it is printed (display/graph.ts).
 */

/** A block: its path, the node ids directly in it and its sub-block paths. */
export interface BlockTree {
  path: string;
  nodes: readonly string[];
  children: readonly string[];
}

/** Position of each block's first node in `order` (the nodes run in that order), over its sub-blocks too. */
export function firstPositions(blocks: readonly BlockTree[], order: ReadonlyMap<string, number>): (path: string) => number {
  const byPath = new Map(blocks.map((b) => [b.path, b]));
  const memo = new Map<string, number>();
  const first = (path: string): number => {
    let p = memo.get(path);
    if (p === undefined) {
      const b = byPath.get(path)!;
      p = Math.min(Infinity, ...b.nodes.map((id) => order.get(id)!), ...b.children.map(first));
      memo.set(path, p);
    }
    return p;
  };
  return first;
}
