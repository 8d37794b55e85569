/**
 * What `add-service` changes in deploy/k8s besides the new service's own folder: the files
 * that list services (the base, the Ingress, each overlay) and the peers' NetworkPolicies
 * and settings. Each edit goes through the yaml Document API: comments, order and the
 * user's own entries stay as they are.
 */
import { isMap, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ServiceContext } from './context.js';
import { addPeerToEnv, type EditResult } from './edits.js';
import { clusterUrl, httpPort, ingressPath, K8S_BASE, K8S_OVERLAYS, k8sName, NAME_LABEL, overlayDir, overlayEntries, peerSelector } from './k8s.js';

const ok = (text: string): EditResult => ({ ok: true, text });
const conflict = (reason: string): EditResult => ({ ok: false, reason });

/** Parse a YAML file for an edit, or say why it cannot be edited. */
function parseForEdit(text: string): Document | string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return `it is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`;
  if (!isMap(doc.contents)) return 'it is not a YAML mapping';
  return doc;
}

/** The sequence at `path`, created when absent; undefined when something else is there. */
function sequenceAt(doc: Document, path: Array<string | number>): YAMLSeq | undefined {
  if (!doc.hasIn(path)) doc.setIn(path, doc.createNode([]));
  const node = doc.getIn(path, true);
  return isSeq(node) ? node : undefined;
}

/** Append items to sequences of a YAML document, skipping those already there (by `same`). */
function appendItems(
  text: string,
  additions: Array<{ path: Array<string | number>; items: unknown[]; same: (a: unknown, b: unknown) => boolean }>,
): EditResult {
  const doc = parseForEdit(text);
  if (typeof doc === 'string') return conflict(doc);
  for (const { path, items } of additions) {
    if (items.length === 0) continue;
    const seq = sequenceAt(doc, path);
    if (!seq) return conflict(`${path.join('.')} is not a list`);
  }
  for (const { path, items, same } of additions) {
    if (items.length === 0) continue;
    const seq = sequenceAt(doc, path)!;
    const present = seq.toJSON() as unknown[];
    for (const item of items) if (!present.some((other) => same(other, item))) seq.add(doc.createNode(item, { aliasDuplicateObjects: false }));
  }
  return ok(doc.toString({ lineWidth: 0 }));
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const sameName = (a: unknown, b: unknown) =>
  typeof a === 'object' && a !== null && (a as { name?: unknown }).name === (b as { name: unknown }).name;
const samePath = (a: unknown, b: unknown) =>
  typeof a === 'object' && a !== null && (a as { path?: unknown }).path === (b as { path: unknown }).path;

/** A NetworkPolicy rule that lists peers: every entry selects pods by name, nothing else. */
function isPeerRule(rule: unknown, side: 'from' | 'to'): boolean {
  const entries = (rule as Record<string, unknown> | null)?.[side];
  return (
    Array.isArray(entries) &&
    entries.length > 0 &&
    entries.every((entry) => {
      const keys = Object.keys((entry ?? {}) as object);
      return keys.length === 1 && keys[0] === 'podSelector' && (entry as { podSelector: { matchLabels?: Record<string, string> } }).podSelector.matchLabels?.[NAME_LABEL] !== undefined;
    })
  );
}

/** Allow traffic between a peer's pods and the new service, both ways, in the peer's NetworkPolicy. */
export function addPeerToNetworkPolicy(text: string, peer: string): EditResult {
  const doc = parseForEdit(text);
  if (typeof doc === 'string') return conflict(doc);
  for (const [direction, side] of [['ingress', 'from'], ['egress', 'to']] as const) {
    const rules = sequenceAt(doc, ['spec', direction]);
    if (!rules) return conflict(`spec.${direction} is not a list`);
    const index = rules.items.findIndex((rule) => isPeerRule((rule as YAMLMap).toJSON?.(), side));
    const selector = peerSelector(peer);
    if (index < 0) {
      rules.add(doc.createNode({ [side]: [selector], ports: httpPort }, { aliasDuplicateObjects: false }));
      continue;
    }
    const entries = doc.getIn(['spec', direction, index, side], true) as YAMLSeq;
    if (!(entries.toJSON() as unknown[]).some((entry) => sameValue(entry, selector))) entries.add(doc.createNode(selector));
  }
  return ok(doc.toString({ lineWidth: 0 }));
}

export interface K8sEdit {
  file: string;
  edit: (text: string) => EditResult;
}

/** How each file of deploy/k8s that lists services learns about a new one. */
export function k8sEdits(service: ServiceContext): K8sEdit[] {
  const edits: K8sEdit[] = [
    {
      file: `${K8S_BASE}/kustomization.yaml`,
      edit: (text) => appendItems(text, [{ path: ['resources'], items: [k8sName(service.name)], same: sameValue }]),
    },
    {
      file: `${K8S_BASE}/ingress.yaml`,
      edit: (text) => appendItems(text, [{ path: ['spec', 'rules', 0, 'http', 'paths'], items: [ingressPath(service)], same: samePath }]),
    },
  ];
  for (const overlay of K8S_OVERLAYS) {
    const entries = overlayEntries(service, overlay);
    edits.push({
      file: `${overlayDir(overlay)}/kustomization.yaml`,
      edit: (text) =>
        appendItems(text, [
          { path: ['resources'], items: entries.resources, same: sameValue },
          { path: ['secretGenerator'], items: entries.secretGenerator, same: sameName },
          { path: ['images'], items: entries.images, same: sameName },
        ]),
    });
  }
  for (const peer of service.peers) {
    const dir = `${K8S_BASE}/${k8sName(peer.name)}`;
    edits.push({ file: `${dir}/networkpolicy.yaml`, edit: (text) => addPeerToNetworkPolicy(text, service.name) });
    edits.push({ file: `${dir}/config.env`, edit: (text) => addPeerToEnv(text, peer.envPrefix, service.name, clusterUrl(service.name)) });
  }
  return edits;
}
