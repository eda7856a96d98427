/**
 * JSON schemas of the messages a kernel sends, written from the Jupyter messaging specification
 * (jupyter_client's "Messaging in Jupyter", protocol 5.4, plus JEP 65's iopub_welcome). Strict as
 * typed clients (Rust's runtimelib, @jupyterlab/services' types) read them: every field the spec
 * requires is required, enums are closed, counts and ports are integers, and no unknown fields in
 * the envelope. Content objects allow extra fields only where the spec does (`metadata`, bundles).
 */
import Ajv, { type ValidateFunction } from 'ajv';

type Schema = Record<string, unknown>;

const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const obj = { type: 'object' };
const strArray = { type: 'array', items: str };
/** A MIME bundle: MIME type → JSON value (strings for text and base64 images, objects for JSON types). */
const mimeBundle = { type: 'object', propertyNames: { pattern: '^[a-z]+/[-+.\\w]+$' } };

const header: Schema = {
  type: 'object',
  properties: {
    msg_id: { type: 'string', minLength: 1 },
    session: { type: 'string', minLength: 1 },
    username: str,
    // ISO 8601 with a time zone
    date: { type: 'string', pattern: '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)$' },
    msg_type: { type: 'string', minLength: 1 },
    version: { type: 'string', pattern: '^5\\.\\d+$' },
    subshell_id: { type: ['string', 'null'] },
  },
  required: ['msg_id', 'session', 'username', 'date', 'msg_type', 'version'],
  additionalProperties: false,
};

const envelope: Schema = {
  type: 'object',
  properties: {
    header,
    parent_header: { anyOf: [header, { type: 'object', maxProperties: 0 }] },
    metadata: obj,
    content: obj,
  },
  required: ['header', 'parent_header', 'metadata', 'content'],
};

function closed(properties: Record<string, unknown>, required: string[] = Object.keys(properties)): Schema {
  return { type: 'object', properties, required, additionalProperties: false };
}

const errorFields = { ename: str, evalue: str, traceback: strArray };
/** A reply's `status: 'error'` form (any *_reply). */
const errorReply = closed({ status: { const: 'error' }, ...errorFields }, ['status', 'ename', 'evalue', 'traceback']);
const ok = { const: 'ok' };
/** `{status: 'ok', ...}` or the error form. */
const okOrError = (fields: Record<string, unknown>, required?: string[]) => ({
  oneOf: [closed({ status: ok, ...fields }, ['status', ...(required ?? Object.keys(fields))]), errorReply],
});

const languageInfo = closed({
  name: str, version: str, mimetype: str, file_extension: { type: 'string', pattern: '^\\.' }, pygments_lexer: str,
  // A string, or {name, version}: the forms typed clients accept.
  codemirror_mode: { oneOf: [str, closed({ name: str, version: int }, ['name'])] },
  nbconvert_exporter: str,
}, ['name', 'version', 'mimetype', 'file_extension']);

const displayContent = (extra: Record<string, unknown> = {}, required: string[] = []) => closed({
  data: mimeBundle, metadata: obj,
  transient: closed({ display_id: str }, []),
  ...extra,
}, ['data', 'metadata', ...required]);

const historyEntry = {
  type: 'array', minItems: 3, maxItems: 3,
  items: [int, int, { oneOf: [str, { type: 'array', minItems: 2, maxItems: 2, items: [str, { type: ['string', 'null'] }] }] }],
};

/** Content schema per msg_type. */
export const CONTENT: Record<string, Schema> = {
  // ---- shell / control replies
  kernel_info_reply: okOrError({
    protocol_version: { type: 'string', pattern: '^\\d+\\.\\d+(\\.\\d+)?$' },
    implementation: str, implementation_version: str, language_info: languageInfo, banner: str,
    help_links: { type: 'array', items: closed({ text: str, url: str }) },
    debugger: bool,
    supported_features: strArray,
  }, ['protocol_version', 'implementation', 'implementation_version', 'language_info', 'banner']),
  execute_reply: {
    oneOf: [
      closed({ status: ok, execution_count: int, payload: { type: 'array', items: { type: 'object', properties: { source: str }, required: ['source'] } }, user_expressions: obj },
        ['status', 'execution_count']),
      closed({ status: { const: 'error' }, execution_count: int, ...errorFields }, ['status', 'execution_count', 'ename', 'evalue', 'traceback']),
      closed({ status: { const: 'aborted' }, execution_count: int }, ['status']),
    ],
  },
  inspect_reply: okOrError({ found: bool, data: mimeBundle, metadata: obj }),
  complete_reply: okOrError({ matches: strArray, cursor_start: { type: 'integer', minimum: 0 }, cursor_end: { type: 'integer', minimum: 0 }, metadata: obj }),
  history_reply: okOrError({ history: { type: 'array', items: historyEntry } }),
  is_complete_reply: {
    oneOf: [
      closed({ status: { const: 'incomplete' }, indent: str }, ['status']),
      closed({ status: { enum: ['complete', 'invalid', 'unknown'] } }),
    ],
  },
  connect_reply: okOrError({ shell_port: int, iopub_port: int, stdin_port: int, hb_port: int, control_port: int }),
  comm_info_reply: okOrError({ comms: { type: 'object', additionalProperties: closed({ target_name: str }) } }),
  shutdown_reply: okOrError({ restart: bool }),
  interrupt_reply: okOrError({}),
  // The Debug Adapter Protocol's Response
  debug_reply: { type: 'object', properties: { seq: int, type: { const: 'response' }, request_seq: int, success: bool, command: str, message: str, body: obj },
    required: ['seq', 'type', 'request_seq', 'success', 'command'] },
  // ---- iopub
  status: closed({ execution_state: { enum: ['busy', 'idle', 'starting'] } }),
  stream: closed({ name: { enum: ['stdout', 'stderr'] }, text: str }),
  display_data: displayContent(),
  update_display_data: displayContent({ transient: closed({ display_id: { type: 'string', minLength: 1 } }) }, ['transient']),
  execute_input: closed({ code: str, execution_count: int }),
  execute_result: displayContent({ execution_count: int }, ['execution_count']),
  error: closed(errorFields),
  clear_output: closed({ wait: bool }),
  comm_open: closed({ comm_id: str, target_name: str, data: obj, target_module: str }, ['comm_id', 'target_name', 'data']),
  comm_msg: closed({ comm_id: str, data: obj }),
  comm_close: closed({ comm_id: str, data: obj }),
  iopub_welcome: closed({ subscription: str }),
  // ---- stdin
  input_request: closed({ prompt: str, password: bool }),
};

/** Which channel each message type may arrive on. */
export const CHANNEL: Record<string, ('shell' | 'control' | 'iopub' | 'stdin')[]> = {
  status: ['iopub'], stream: ['iopub'], display_data: ['iopub'], update_display_data: ['iopub'], execute_input: ['iopub'],
  execute_result: ['iopub'], error: ['iopub'], clear_output: ['iopub'], comm_open: ['iopub'], comm_msg: ['iopub'],
  comm_close: ['iopub'], iopub_welcome: ['iopub'], input_request: ['stdin'],
};

let ajv: Ajv | null = null;
const compiled = new Map<string, ValidateFunction>();

function validator(name: string, schema: Schema): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    ajv ??= new Ajv({ strict: true, allErrors: true, strictTuples: false });
    v = ajv.compile(schema);
    compiled.set(name, v);
  }
  return v;
}

/** Problems with one message, as readable strings (empty when it conforms). */
export function checkMessage(channel: string, msg: { header: { msg_type: string; [k: string]: unknown }; parent_header: unknown; metadata: unknown; content: unknown }): string[] {
  const type = msg.header?.msg_type;
  const out: string[] = [];
  const env = validator('$envelope', envelope);
  if (!env({ header: msg.header, parent_header: msg.parent_header, metadata: msg.metadata, content: msg.content })) {
    out.push(...(env.errors ?? []).map((e) => `${type} envelope ${e.instancePath} ${e.message}`));
  }
  const schema = CONTENT[type];
  if (!schema) return [...out, `${type}: no message of this type in the specification`];
  const allowed = CHANNEL[type] ?? (type.endsWith('_reply') ? ['shell', 'control'] : []);
  if (!allowed.includes(channel as never)) out.push(`${type} arrived on ${channel}, expected ${allowed.join(' or ')}`);
  const v = validator(type, schema);
  if (!v(msg.content)) out.push(...(v.errors ?? []).map((e) => `${type} content ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`));
  return out;
}
