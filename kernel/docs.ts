/**
 * Documentation that TypeScript's quick info cannot carry, for Shift-Tab (inspect_request): the zoo's
 * builders are made by `registerFamily` from variant tables, so no JSDoc sits on `zoo.resnet50`; its
 * documentation is the registry's entry (paper, description, options with their defaults and docs,
 * input shape). The value under the cursor is found by reading data properties only (and the
 * re-export getters of compiled modules), so inspecting never runs cell code.
 */

/** The dotted name (`zoo.resnet50`) at or just before `pos` (a code-point offset), or null. */
export function dottedNameAt(code: string, pos: number): string[] | null {
  const chars = [...code];
  let end = Math.min(pos, chars.length);
  while (end < chars.length && /[\w$]/.test(chars[end])) end++;
  const before = chars.slice(0, end).join('').replace(/[\s(]*$/, '');
  const m = /([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)$/.exec(before);
  return m ? m[1].split('.').map((s) => s.trim()) : null;
}

/** Follows `path` from `scope` through data properties (own or inherited); undefined where it stops. */
export function resolvePath(path: string[], scope: Record<string, unknown>): unknown {
  let v: unknown = Object.prototype.hasOwnProperty.call(scope, path[0]) ? scope[path[0]] : (globalThis as Record<string, unknown>)[path[0]];
  for (const key of path.slice(1)) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return undefined;
    let d: PropertyDescriptor | undefined;
    for (let o: object | null = v as object; o && !d; o = Object.getPrototypeOf(o)) d = Object.getOwnPropertyDescriptor(o, key);
    if (!d) return undefined;
    // A compiled module's re-exports are getters (`export * from`): reading them runs no user code.
    const isModule = (v as { __esModule?: unknown }).__esModule === true;
    if ('value' in d) v = d.value;
    else if (isModule && d.get) v = d.get.call(v);
    else return undefined;
  }
  return v;
}

interface ZooLike {
  list(pattern?: string): string[];
  info(name: string): { name: string; paper: { title: string; citation: string; url?: string }; description?: string; inputSize: number[];
    options?: Record<string, { default: unknown; allowed?: readonly unknown[]; integerMin?: number; doc?: string }> };
  camelCase(name: string): string;
}

/** The registry documentation of a zoo builder (`fn` is one of `zoo`'s functions), or null. */
export function zooBuilderDoc(fn: unknown, zoo: ZooLike | undefined): string | null {
  if (typeof fn !== 'function' || !zoo) return null;
  const z = zoo as unknown as Record<string, unknown>;
  const name = zoo.list('*').find((n) => z[zoo.camelCase(n)] === fn);
  if (!name) return null;
  const i = zoo.info(name);
  const lines = [`${zoo.camelCase(name)} — '${name}' in the zoo: ${i.paper.title} (${i.paper.citation})${i.paper.url ? ` ${i.paper.url}` : ''}`];
  if (i.description) lines.push(i.description);
  const opts = Object.entries(i.options ?? {});
  if (opts.length > 0) {
    lines.push('Options:');
    for (const [k, o] of opts) {
      const range = o.allowed ? ` (${o.allowed.map((a) => JSON.stringify(a)).join(' | ')})` : o.integerMin !== undefined ? ` (an integer ≥ ${o.integerMin})` : '';
      lines.push(`  ${k} = ${JSON.stringify(o.default)}${range}${o.doc ? `: ${o.doc}` : ''}`);
    }
  }
  lines.push(`  weights: a safetensors file with torchvision's state_dict keys`);
  lines.push(`Default input: [1, ${i.inputSize.join(', ')}]`);
  return lines.join('\n');
}
