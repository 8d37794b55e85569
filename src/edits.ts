/**
 * Edits `add-service` makes to files a user may have changed by hand. Each takes the file's
 * current text and returns the new text, or a conflict saying why it cannot be edited
 * safely; none of them rewrites what it does not need to touch.
 */
import { isMap, isScalar, parseDocument, type Document } from 'yaml';
import { addComposeEntries, brokerEntries, composeEntries, OBSERVABILITY_SERVICE } from './compose.js';
import { peerContext, type ServiceContext } from './context.js';

export type EditResult = { ok: true; text: string } | { ok: false; reason: string };

const ok = (text: string): EditResult => ({ ok: true, text });
const conflict = (reason: string): EditResult => ({ ok: false, reason });

/** Add a peer to the `<PREFIX>PEERS={...}` line of a service's .env or .env.example. */
export function addPeerToEnv(text: string, envPrefix: string, peer: string, url: string): EditResult {
  const key = `${envPrefix}PEERS`;
  const line = new RegExp(`^${key}=(.*)$`, 'm');
  const match = line.exec(text);
  if (!match) {
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    return ok(`${text}${separator}${key}=${JSON.stringify({ [peer]: url })}\n`);
  }
  let peers: unknown;
  try {
    peers = JSON.parse(match[1]!.trim() || '{}');
  } catch {
    return conflict(`its ${key} line is not a JSON object`);
  }
  if (typeof peers !== 'object' || peers === null || Array.isArray(peers)) return conflict(`its ${key} line is not a JSON object`);
  return ok(text.replace(line, () => `${key}=${JSON.stringify({ ...peers, [peer]: url })}`));
}

/** Append `lines` to a dotenv file, once each. */
export function appendEnvLines(text: string, lines: string[]): string {
  const missing = lines.filter((line) => !new RegExp(`^${line.split('=')[0]}=`, 'm').test(text));
  if (missing.length === 0) return text;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  return `${text}${separator}${missing.join('\n')}\n`;
}

/**
 * Add a service (and its database container) to docker-compose.yml with a document edit:
 * comments, order and the user's own services stay as they are. Existing services that
 * list their peers in the environment learn about the new one. A file without the
 * observability container (removed by hand) does not get it back.
 */
export function addServiceToCompose(text: string, service: ServiceContext, peers: Array<{ name: string; envPrefix: string }>): EditResult {
  const doc: Document = parseDocument(text);
  if (doc.errors.length > 0) return conflict(`it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  if (!isMap(doc.get('services'))) return conflict('it has no "services" mapping');
  // Traces go to the observability container only where the file still has it.
  const observability = doc.hasIn(['services', OBSERVABILITY_SERVICE]);
  const clashes = addComposeEntries(doc, composeEntries(service, observability));
  if (clashes.length > 0) return conflict(`it already defines ${clashes.map((name) => `"${name}"`).join(' and ')}`);
  // The project's broker container, if the file lost it: the new service depends on it.
  if (service.broker) addComposeEntries(doc, brokerEntries(service.broker));
  const url = peerContext(service).composeUrl;
  for (const peer of peers) {
    const path = ['services', peer.name, 'environment', `${peer.envPrefix}PEERS`];
    const node = doc.getIn(path, true);
    if (!isScalar(node) || typeof node.value !== 'string') continue;
    try {
      node.value = JSON.stringify({ ...JSON.parse(node.value), [service.name]: url });
      // JSON reads best in single quotes: no escaped double quotes.
      node.type = 'QUOTE_SINGLE';
    } catch {
      return conflict(`${path.join('.')} is not a JSON object`);
    }
  }
  return ok(doc.toString({ lineWidth: 0, nullStr: '' }));
}

/** The header of the README's table of services, as the project template writes it. */
const SERVICES_TABLE_HEADER = /^\| service \| API \|.*\|\s*$/m;

/** Append a row to the README's table of services, after its last row. */
export function addReadmeRow(text: string, row: string): EditResult {
  return addTableRows(text, SERVICES_TABLE_HEADER, 'its table of services (the "| service | API |" header) is gone', row, () => true);
}

/**
 * Insert `rows` into the Markdown table under `header`, after its last row that `after`
 * accepts (right under the `| --- |` line when none does); `missing` is why, when the table is gone.
 */
function addTableRows(text: string, header: RegExp, missing: string, rows: string, after: (row: string) => boolean): EditResult {
  const found = header.exec(text);
  if (!found) return conflict(missing);
  const lines = text.split('\n');
  const start = text.slice(0, found.index).split('\n').length - 1;
  let index = start + 1;
  for (let row = start + 2; row < lines.length && lines[row]!.startsWith('|'); row++) if (after(lines[row]!)) index = row;
  lines.splice(index + 1, 0, ...rows.replace(/\n$/, '').split('\n'));
  return ok(lines.join('\n'));
}

/** The header of a service README's table of endpoints, as the service template writes it. */
const ENDPOINTS_TABLE_HEADER = /^\| method and path \| what it does \|\s*$/m;
const API_ROW = /^\| `[A-Z]+ \/api\/v\d+\//;

/**
 * Add an entity's endpoint rows to a service README's table of endpoints, after the last row
 * of an API route (before health and metrics), or first in the table when it lists none.
 */
export function addEndpointRows(text: string, rows: string): EditResult {
  const missing = 'its table of endpoints (the "| method and path | what it does |" header) is gone';
  return addTableRows(text, ENDPOINTS_TABLE_HEADER, missing, rows, (row) => API_ROW.test(row));
}

/** Add a route to the API cell of a service's row in the README's table of services. */
export function addServiceRoute(text: string, service: string, route: string): EditResult {
  if (!SERVICES_TABLE_HEADER.test(text)) return conflict('its table of services (the "| service | API |" header) is gone');
  const link = `[${service}](services/${service}/README.md)`;
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.startsWith(`| ${link} |`));
  if (index === -1) return conflict(`its table of services has no row for ${service}`);
  const cells = lines[index]!.split('|');
  // ['', ' [name](...) ', ' `/api/v1/x` ', ...]: the API is the second cell.
  if (cells.length < 4) return conflict(`the row of ${service} in its table of services has no API cell`);
  const api = cells[2]!.trim();
  const added = `\`${route}\``;
  if (api.split(/,\s*/).includes(added)) return ok(text);
  cells[2] = ` ${api === '' ? added : `${api}, ${added}`} `;
  lines[index] = cells.join('|');
  return ok(lines.join('\n'));
}
