/**
 * `application/vnd.cnnlab.graph+json`: the architecture diagram. Layered layout in a Web Worker (time limit);
 * module blocks collapsed to the asked depth, opened in place by a click on the block and closed by a click
 * on its frame's title; pan (drag), zoom (buttons, Ctrl+wheel), fit; hover details; op-category colours with a
 * legend; a search box for module paths; optional shapes on edges; SVG and PNG download.
 */
import type { GraphData, GraphNodeData, GraphBlockData } from '../../src/display/schema';
import type { GraphLayout } from '../../src/display/layout';
import { CATEGORY_STYLE, categoryText, type OpCategory } from '../../src/display/palette';
import { button, checkbox, cssVar, download, el, fileName, int, shapeText, svg, units } from './common';
import { LayoutClient, LayoutTimeout } from './layout-client';

/** The blocks open at first: every block shallower than the data's depth (as the PNG fallback draws it). */
export function initialExpanded(data: GraphData): Set<string> {
  return new Set(data.blocks.filter((b) => b.depth < data.depth).map((b) => b.path));
}

// the shared layout's label metrics (src/display/layout.ts LAYOUT_FONT, padding)
const FONT = { title: 12, detail: 10, cluster: 11 };
const PAD_Y = 6, LINE_GAP = 3;
/** DejaVu Sans first: the layout measured its labels with DejaVu's widths */
const DIAGRAM_FONT = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif";
const CATEGORY_ORDER: OpCategory[] = ['io', 'macs', 'bn', 'activation', 'pooling', 'add', 'mul', 'concat', 'other', 'none'];

const LIMIT_MS = 15000;

export class GraphView {
  readonly node: HTMLElement;
  /** milliseconds of the last layout + draw (read by the benchmark and the end-to-end test) */
  lastMs = 0;
  private expanded: Set<string>;
  private client: LayoutClient;
  private svgRoot = svg('svg', { class: 'cl-graph-svg' });
  private viewport = svg('g');
  private tip = el('div', { class: 'cl-tip' });
  private status = el('span', { class: 'cl-status' });
  private layoutResult: GraphLayout | null = null;
  private t = { x: 0, y: 0, k: 1 };
  private showShapes = false;
  private hits: string[] = [];
  private hitIndex = -1;
  private lastQuery = '';
  private highlight: string | null = null;
  private byId: Map<string, GraphNodeData>;
  private blockBy: Map<string, GraphBlockData>;
  private nodeBlock = new Map<string, string>();
  private disposed = false;

  constructor(private readonly data: GraphData) {
    this.expanded = initialExpanded(data);
    this.client = new LayoutClient(data, LIMIT_MS);
    this.byId = new Map(data.nodes.map((n) => [n.id, n]));
    this.blockBy = new Map(data.blocks.map((b) => [b.path, b]));
    for (const b of data.blocks) for (const n of b.nodes) this.nodeBlock.set(n, b.path);
    this.tip.style.display = 'none';
    this.svgRoot.append(this.viewport);
    const search = el('input', { class: 'cl-input', type: 'search', placeholder: 'find module path…', title: 'find a module path (Enter: next match)', size: '22' });
    search.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') void this.find(search.value); });
    const toolbar = el('div', { class: 'cl-toolbar' },
      search,
      button('Fit', 'fit the diagram to the view', () => this.fit()),
      button('+', 'zoom in', () => this.zoomBy(1.25)), button('−', 'zoom out', () => this.zoomBy(0.8)),
      button('Expand all', 'open every block (large models take a few seconds)', () => void this.setExpanded(new Set(data.blocks.map((b) => b.path)))),
      button('Collapse', `back to depth ${data.depth}`, () => void this.setExpanded(initialExpanded(data))),
      checkbox('shapes on edges', false, (v) => { this.showShapes = v; void this.setExpanded(this.expanded); }),
      button('SVG', 'download the diagram as SVG', () => this.downloadSvg()),
      button('PNG', 'download the diagram as PNG', () => void this.downloadPng()),
      this.status);
    const present = new Set(data.nodes.map((n) => n.category));
    const legend = el('div', { class: 'cl-legend' }, ...CATEGORY_ORDER.filter((c) => present.has(c)).map((cat) => {
      const sw = el('span', { class: 'cl-swatch' });
      sw.style.background = CATEGORY_STYLE[cat].fill;
      sw.style.border = `1px solid ${CATEGORY_STYLE[cat].stroke}`;
      return el('span', { class: 'cl-legend-item' }, sw, CATEGORY_STYLE[cat].label);
    }), el('span', { class: 'cl-legend-item' }, el('span', { class: 'cl-swatch cl-swatch-block' }), 'closed block (click to open; click an open block’s title to close)'));
    const title = el('div', { class: 'cl-title' }, `${data.name} — ${int(data.totals.nodes)} nodes, ${units(data.totals.params)} params, ${units(data.totals.macs)} MACs`);
    const frame = el('div', { class: 'cl-graph-frame' }, this.svgRoot, this.tip);
    this.node = el('div', { class: 'cl-graph' }, title, toolbar, frame, legend);
    this.bindPanZoom(frame);
  }

  dispose(): void { this.disposed = true; this.client.dispose(); }

  /** First layout: blocks open to the data's depth. */
  start(): Promise<void> { return this.setExpanded(this.expanded); }

  async setExpanded(next: Set<string>): Promise<void> {
    const t0 = performance.now();
    this.status.textContent = 'laying out…';
    try {
      const { result } = await this.client.layout(next, this.showShapes);
      if (this.disposed) return;
      this.expanded = next;
      const first = this.layoutResult === null;
      this.layoutResult = result;
      this.draw();
      if (first) this.fit();
      this.lastMs = performance.now() - t0;
      this.node.dataset.renderMs = this.lastMs.toFixed(1);
      this.status.textContent = `${result.nodes.length} shown · ${(this.lastMs / 1000).toFixed(2)} s`;
    } catch (e) {
      this.status.textContent = e instanceof LayoutTimeout ? `${e.message}: showing the previous state; open fewer blocks` : `layout failed: ${(e as Error).message}`;
    }
  }

  private colors() {
    const from = this.node;
    return {
      fg: cssVar('--jp-ui-font-color1', '#333', from), fg2: cssVar('--jp-ui-font-color2', '#666', from),
      edge: cssVar('--jp-ui-font-color3', '#999', from), frame: cssVar('--jp-border-color1', '#bbb', from),
      bg: cssVar('--jp-layout-color1', '#fff', from), bg2: cssVar('--jp-layout-color2', '#eee', from),
      hit: cssVar('--jp-warn-color0', '#e65100', from), font: cssVar('--jp-ui-font-family', 'sans-serif', from),
    };
  }

  /** Builds the SVG of the current layout. */
  draw(): void {
    const L = this.layoutResult;
    if (!L) return;
    const c = this.colors();
    const g = this.viewport;
    g.replaceChildren();
    this.svgRoot.setAttribute('font-family', DIAGRAM_FONT);
    const frames = svg('g', { class: 'cl-frames' });
    for (const cl of L.clusters) {
      const b = this.blockBy.get(cl.path)!;
      const fg = svg('g', { class: 'cl-cluster', 'data-path': cl.path });
      fg.append(svg('rect', { x: cl.x, y: cl.y, width: cl.width, height: cl.height, rx: 6, fill: c.bg2, 'fill-opacity': 0.35, stroke: c.frame, 'stroke-dasharray': '4 3' }));
      const label = svg('text', { x: cl.x + 6, y: cl.y + FONT.cluster + 3, 'font-size': FONT.cluster, fill: c.fg2, class: 'cl-cluster-label' });
      label.textContent = `− ${cl.label}`;
      label.addEventListener('click', (ev) => { ev.stopPropagation(); this.toggle(cl.path); });
      label.addEventListener('mouseenter', (ev) => this.showTip(ev, this.blockTip(b)));
      label.addEventListener('mouseleave', () => this.hideTip());
      fg.append(label);
      frames.append(fg);
    }
    const edges = svg('g', { class: 'cl-edges', fill: 'none', stroke: c.edge });
    const labels = svg('g', { class: 'cl-edge-labels', 'font-size': FONT.detail, fill: c.fg2, 'text-anchor': 'middle' });
    for (const e of L.edges) {
      if (!e.points.length) continue;
      const d = `M${e.points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join('L')}`;
      const path = svg('path', { d, 'stroke-width': e.count > 1 ? 1.8 : 1.2, 'marker-end': 'url(#cl-arrow)', ...(e.kind === 'carry' ? { 'stroke-dasharray': '4 3' } : {}) });
      const t = svg('title');
      t.textContent = e.kind === 'carry' ? `carries the ${e.carried} inputs of the earlier concatenation ${shapeText(e.shape)}` : `${shapeText(e.shape)}${e.count > 1 ? ` (${e.count} edges)` : ''}`;
      path.append(t);
      edges.append(path);
      if (e.label) {
        const tx = svg('text', { x: e.label.x, y: e.label.y + FONT.detail / 2 - 1 });
        tx.textContent = e.label.text;
        labels.append(tx);
      }
    }
    const nodes = svg('g', { class: 'cl-nodes' });
    for (const n of L.nodes) {
      const ng = svg('g', { class: `cl-node cl-${n.kind === 'block' ? 'block' : 'op'}`, 'data-id': n.ref });
      let fill: string, stroke: string, text: string;
      if (n.kind === 'block') {
        const b = this.blockBy.get(n.ref)!;
        // a closed leaf module holding one node (a Conv2d, a ReLU) takes that node's colour, as in the PNG
        if (n.category && n.category !== 'io') { fill = CATEGORY_STYLE[n.category].fill; stroke = CATEGORY_STYLE[n.category].stroke; text = categoryText(n.category); } else { fill = c.bg2; stroke = c.fg2; text = c.fg; }
        ng.append(svg('rect', { x: n.x + 3, y: n.y + 3, width: n.width, height: n.height, rx: 5, fill: c.bg2, stroke: c.frame }));
        ng.addEventListener('click', (ev) => { ev.stopPropagation(); this.toggle(n.ref); });
        ng.addEventListener('mouseenter', (ev) => this.showTip(ev, this.blockTip(b)));
      } else {
        const d = this.byId.get(n.ref)!;
        const cat = (n.category ?? d.category) as OpCategory;
        if (cat === 'io') { fill = c.bg; stroke = c.fg; text = c.fg; } else { fill = CATEGORY_STYLE[cat].fill; stroke = CATEGORY_STYLE[cat].stroke; text = categoryText(cat); }
        ng.addEventListener('mouseenter', (ev) => this.showTip(ev, this.nodeTip(d)));
      }
      ng.addEventListener('mouseleave', () => this.hideTip());
      ng.append(svg('rect', { x: n.x, y: n.y, width: n.width, height: n.height, rx: 5, fill, stroke, 'stroke-width': n.kind === 'block' ? 1.5 : 1 }));
      let y = n.y + PAD_Y + FONT.title;
      n.lines.forEach((line, i) => {
        const t = svg('text', { x: n.x + n.width / 2, y, 'text-anchor': 'middle', 'font-size': i === 0 ? FONT.title : FONT.detail, fill: text, ...(i === 0 ? { 'font-weight': 'bold' } : { 'fill-opacity': 0.85 }) });
        t.textContent = i === 0 && n.kind === 'block' ? `+ ${line}` : line;
        ng.append(t);
        y += FONT.detail + LINE_GAP;
      });
      if (this.highlight === n.ref) ng.append(svg('rect', { x: n.x - 4, y: n.y - 4, width: n.width + 8, height: n.height + 8, rx: 7, fill: 'none', stroke: c.hit, 'stroke-width': 3, class: 'cl-hit' }));
      nodes.append(ng);
    }
    const defs = svg('defs');
    const marker = svg('marker', { id: 'cl-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M0,0L10,5L0,10z', fill: c.edge }));
    defs.append(marker);
    g.append(defs, frames, edges, labels, nodes);
    this.apply();
  }

  private toggle(path: string): void {
    const next = new Set(this.expanded);
    if (next.has(path)) {
      next.delete(path);
      for (const b of this.data.blocks) if (b.path.startsWith(path + '.')) next.delete(b.path);
    } else next.add(path);
    void this.setExpanded(next);
  }

  private blockTip(b: GraphBlockData): string[] {
    return [`${b.path}${b.calls ? ` (call ${b.call} of ${b.calls})` : ''}`, `type ${b.type}`, `output ${shapeText(b.outputShape)}`,
      `params ${int(b.params)}`, `MACs ${int(b.macs)}`, `${b.children.length} sub-blocks, ${b.nodes.length} own nodes`,
      this.expanded.has(b.path) ? 'click the title to close' : 'click to open'];
  }

  private nodeTip(n: GraphNodeData): string[] {
    const lines = [`${n.op}  ${n.id}`, `module ${n.module || '(model)'}`, `output ${shapeText(n.outputShape)}`];
    const ins = this.data.edges.filter((e) => e.to === n.id);
    if (ins.length) lines.push(`input${ins.length > 1 ? 's' : ''} ${ins.slice(0, 6).map((e) => shapeText(e.shape)).join(', ')}${ins.length > 6 ? ` … (${ins.length})` : ''}`);
    if (n.attrs) for (const [k, v] of Object.entries(n.attrs)) lines.push(`${k} ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`);
    if (n.params) lines.push(`params ${int(n.params)}`);
    if (n.macs) lines.push(`MACs ${int(n.macs)}`);
    for (const w of n.weights) lines.push(`${w.kind} ${w.name} ${shapeText(w.shape)}`);
    return lines;
  }

  private showTip(ev: MouseEvent, lines: string[]): void {
    this.tip.replaceChildren(...lines.map((l, i) => el('div', i === 0 ? { class: 'cl-tip-head' } : {}, l)));
    const r = (this.tip.parentElement as HTMLElement).getBoundingClientRect();
    this.tip.style.left = `${ev.clientX - r.left + 14}px`;
    this.tip.style.top = `${ev.clientY - r.top + 14}px`;
    this.tip.style.display = 'block';
  }

  private hideTip(): void { this.tip.style.display = 'none'; }

  private apply(): void {
    this.viewport.setAttribute('transform', `translate(${this.t.x},${this.t.y}) scale(${this.t.k})`);
  }

  fit(): void {
    const L = this.layoutResult;
    if (!L) return;
    const r = this.svgRoot.getBoundingClientRect();
    const w = r.width || 800, h = r.height || 520;
    const k = Math.min(w / L.width, h / L.height, 1.5);
    // very tall graphs: fit the width, start at the top
    const kk = k < 0.25 ? Math.min(w / L.width, 1) : k;
    this.t = { k: kk, x: (w - L.width * kk) / 2, y: kk === k ? (h - L.height * kk) / 2 : 0 };
    this.apply();
  }

  private zoomBy(f: number, cx?: number, cy?: number): void {
    const r = this.svgRoot.getBoundingClientRect();
    const px = cx ?? r.width / 2, py = cy ?? r.height / 2;
    const k = Math.max(0.02, Math.min(8, this.t.k * f));
    this.t.x = px - ((px - this.t.x) * k) / this.t.k;
    this.t.y = py - ((py - this.t.y) * k) / this.t.k;
    this.t.k = k;
    this.apply();
  }

  private bindPanZoom(frame: HTMLElement): void {
    let drag: { x: number; y: number; tx: number; ty: number } | null = null;
    frame.addEventListener('pointerdown', (ev) => {
      if ((ev.target as Element).closest('.cl-block, .cl-cluster-label')) return;
      drag = { x: ev.clientX, y: ev.clientY, tx: this.t.x, ty: this.t.y };
      frame.setPointerCapture(ev.pointerId);
    });
    frame.addEventListener('pointermove', (ev) => {
      if (!drag) return;
      this.t.x = drag.tx + ev.clientX - drag.x;
      this.t.y = drag.ty + ev.clientY - drag.y;
      this.apply();
    });
    frame.addEventListener('pointerup', () => { drag = null; });
    frame.addEventListener('wheel', (ev) => {
      // plain wheel scrolls the notebook; Ctrl/⌘ + wheel zooms, Shift + wheel pans
      if (ev.ctrlKey || ev.metaKey) {
        ev.preventDefault();
        const r = this.svgRoot.getBoundingClientRect();
        this.zoomBy(Math.exp(-ev.deltaY * 0.002), ev.clientX - r.left, ev.clientY - r.top);
      } else if (ev.shiftKey) {
        ev.preventDefault();
        this.t.y -= ev.deltaY || ev.deltaX;
        this.apply();
      }
    }, { passive: false });
  }

  /** Finds module paths containing the query; opens the blocks above the match, highlights and centres it. */
  async find(q: string): Promise<void> {
    const query = q.trim().toLowerCase();
    if (!query) return;
    if (query !== this.lastQuery) {
      this.lastQuery = query;
      const blocks = this.data.blocks.filter((b) => b.path.toLowerCase().includes(query)).map((b) => `block:${b.path}`);
      const nodes = this.data.nodes.filter((n) => n.id.toLowerCase().includes(query) || (n.module.toLowerCase().includes(query) && !this.nodeBlock.has(n.id))).map((n) => n.id);
      this.hits = [...blocks, ...nodes];
      this.hitIndex = -1;
    }
    if (!this.hits.length) { this.status.textContent = `no module path contains “${q}”`; return; }
    this.hitIndex = (this.hitIndex + 1) % this.hits.length;
    const hit = this.hits[this.hitIndex];
    const next = new Set(this.expanded);
    const openAbove = (path: string | null) => { for (let p = path; p; p = this.blockBy.get(p)?.parent ?? null) next.add(p); };
    let target: string;
    if (hit.startsWith('block:')) {
      target = hit.slice(6);
      openAbove(this.blockBy.get(target)!.parent);
      next.delete(target);
    } else {
      target = hit;
      openAbove(this.nodeBlock.get(hit) ?? null);
    }
    this.highlight = target;
    await this.setExpanded(next);
    const n = this.layoutResult?.nodes.find((x) => x.ref === target);
    if (n) {
      const r = this.svgRoot.getBoundingClientRect();
      this.t.x = (r.width || 800) / 2 - (n.x + n.width / 2) * this.t.k;
      this.t.y = (r.height || 520) / 2 - (n.y + n.height / 2) * this.t.k;
      this.apply();
    }
    this.status.textContent = `match ${this.hitIndex + 1} of ${this.hits.length}: ${target}`;
  }

  private svgText(): { text: string; width: number; height: number } {
    const L = this.layoutResult!;
    const c = this.colors();
    const copy = this.svgRoot.cloneNode(true) as SVGSVGElement;
    copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    copy.setAttribute('width', String(Math.ceil(L.width)));
    copy.setAttribute('height', String(Math.ceil(L.height)));
    copy.setAttribute('viewBox', `0 0 ${Math.ceil(L.width)} ${Math.ceil(L.height)}`);
    copy.removeAttribute('class');
    const g = copy.firstElementChild as SVGGElement;
    g.removeAttribute('transform');
    copy.insertBefore(svg('rect', { width: '100%', height: '100%', fill: c.bg }), g);
    return { text: new XMLSerializer().serializeToString(copy), width: L.width, height: L.height };
  }

  downloadSvg(): void {
    if (!this.layoutResult) return;
    download(fileName(this.data.name, 'svg'), new Blob([this.svgText().text], { type: 'image/svg+xml' }));
  }

  async downloadPng(): Promise<void> {
    if (!this.layoutResult) return;
    const { text, width, height } = this.svgText();
    const scale = Math.min(2, 16000 / width, 16000 / height);
    const img = new Image();
    const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
    await new Promise<void>((res, rej) => { img.onload = () => res(); img.onerror = () => rej(new Error('svg image failed')); img.src = url; });
    const canvas = el('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    canvas.toBlob((b) => b && download(fileName(this.data.name, 'png'), b), 'image/png');
  }
}
