/**
 * Typed errors. Every error cnnlab raises on bad input is a CnnlabError subclass whose
 * message says what was expected, what came, and where (module path, file and byte offset,
 * JSON path). `where` and `expected`/`got` are also kept as fields for programmatic use.
 */
export interface ErrorDetail {
  /** where the problem is: module path, `file.npy@128` (byte offset), JSON path `$.annotations[3].bbox` */
  where?: string;
  expected?: string;
  got?: string;
}

function render(message: string, detail: ErrorDetail, whereText = detail.where): string {
  const parts = [message];
  if (detail.expected !== undefined) parts.push(`expected ${detail.expected}`);
  if (detail.got !== undefined) parts.push(`got ${detail.got}`);
  if (whereText !== undefined) parts.push(`at ${whereText}`);
  return parts.join('; ');
}

export class CnnlabError extends Error {
  readonly where?: string;
  readonly expected?: string;
  readonly got?: string;
  /** The class name of the module whose path `where` is, once {@link atModule} named it. */
  moduleType?: string;
  private readonly summary: string;
  constructor(message: string, detail: ErrorDetail = {}) {
    super(render(message, detail));
    this.summary = message;
    this.name = new.target.name;
    this.where = detail.where;
    this.expected = detail.expected;
    this.got = detail.got;
  }

  /**
   * Says in the message that `where` is a module path, and of which module: `at module 'layer1.0'
   * (Bottleneck)` instead of `at layer1.0` (a bare `at 1` for a Sequential's child reads like a
   * line number). The innermost module names it; `where` itself stays the path.
   */
  atModule(typeName: string): this {
    if (this.moduleType !== undefined || this.where === undefined) return this;
    this.moduleType = typeName;
    const text = this.where === '<root>' ? `the root module (${typeName})` : `module '${this.where}' (${typeName})`;
    const before = this.message;
    this.message = render(this.summary, this, text);
    if (typeof this.stack === 'string') this.stack = this.stack.replace(before, this.message);
    return this;
  }
}

/** A file (npy, safetensors, ONNX, image, JSON) could not be parsed. */
export class ParseError extends CnnlabError {}
/** Shapes do not agree at trace time or at run time. */
export class ShapeError extends CnnlabError {}
/** A layer or model option is out of its allowed set or range. */
export class ConfigError extends CnnlabError {}
/** Weights do not match the module tree (missing, unexpected, wrongly shaped tensors). */
export class WeightLoadError extends CnnlabError {
  constructor(
    message: string,
    readonly mismatches: { key: string; problem: 'missing' | 'unexpected' | 'shape' | 'dtype'; expected?: string; got?: string }[],
    detail: ErrorDetail = {},
  ) {
    super(message, detail);
  }
}
/** Runtime (ONNX Runtime session) errors: unavailable device, bad inputs to run. */
export class RuntimeError extends CnnlabError {}
/** Training cannot go on: an op without a gradient, a non-finite loss or gradient. */
export class TrainingError extends CnnlabError {}
/** Something not found: model name, tap name, module path. */
export class NotFoundError extends CnnlabError {}

/** Formats a shape as torch does: [1, 3, 224, 224]. */
export function fmtShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
