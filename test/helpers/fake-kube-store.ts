// The fake API server's object store: objects by resource, namespace and name, one resourceVersion counter
// for the whole store (as etcd's revision), an event history that watches replay from a resourceVersion
// (older than the compaction point → 410 Gone), and server-side apply with field ownership: each leaf field
// remembers the managers that applied it, a manager applying a different value to a field another manager
// owns gets a conflict unless it forces, and a no-op apply changes nothing (same resourceVersion, no event).
// Lists are atomic fields here (the real server merges some lists by key), which is all rescape's tests need.
import { isDeepStrictEqual } from 'node:util';
import { groupVersionOf, type FakeResource } from './fake-kube-resources.js';

export type Json = Record<string, unknown>;

export interface StoredEvent {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: FakeResource;
  namespace: string | undefined;
  object: Json;
}

export interface FieldConflict {
  path: string;
  managers: string[];
}

export type ApplyOutcome =
  | { kind: 'applied'; created: boolean; changed: boolean; object: Json }
  | { kind: 'conflict'; conflicts: FieldConflict[] };

/** Paths never owned: identity of the object, and what the server sets. */
const UNOWNED = new Set(['.apiVersion', '.kind', '.metadata.name', '.metadata.namespace', '.status']);

export class FakeStore {
  private revision = 1;
  private uid = 0;
  private readonly objects = new Map<string, Json>();
  private readonly owners = new Map<string, Map<string, Set<string>>>();
  private readonly history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  /** Watches from a resourceVersion below this get 410 Gone (the history before it is "compacted"). */
  compactedBelow = 0;

  get resourceVersion(): string {
    return String(this.revision);
  }

  get(resource: FakeResource, namespace: string | undefined, name: string): Json | undefined {
    return this.objects.get(keyOf(resource, namespace, name));
  }

  list(resource: FakeResource, namespace: string | undefined, labelSelector?: string): Json[] {
    const prefix = `${resource.group}/${resource.resource}|`;
    return [...this.objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, object]) => object)
      .filter((object) => namespace === undefined || metadataOf(object).namespace === namespace)
      .filter((object) => matchesLabels(object, labelSelector))
      .sort((a, b) => String(metadataOf(a).name).localeCompare(String(metadataOf(b).name)));
  }

  /** Every object of a namespace, for namespace deletion. */
  inNamespace(namespace: string): { key: string; object: Json }[] {
    return [...this.objects.entries()]
      .filter(([, object]) => metadataOf(object).namespace === namespace)
      .map(([key, object]) => ({ key, object }));
  }

  /** Server-side apply of `applied` by `manager`. */
  apply(
    resource: FakeResource,
    namespace: string | undefined,
    name: string,
    applied: Json,
    manager: string,
    force: boolean,
  ): ApplyOutcome {
    const key = keyOf(resource, namespace, name);
    const existing = this.objects.get(key);
    const config = structuredClone(applied);
    delete config.status;
    const appliedPaths = leafPaths(config);
    const owners = this.owners.get(key) ?? new Map<string, Set<string>>();
    if (existing !== undefined && !force) {
      const conflicts: FieldConflict[] = [];
      for (const [path, value] of appliedPaths) {
        const others = [...(owners.get(path) ?? [])].filter((owner) => owner !== manager);
        if (others.length > 0 && !isDeepStrictEqual(valueAt(existing, path), value)) {
          conflicts.push({ path, managers: others });
        }
      }
      if (conflicts.length > 0) return { kind: 'conflict', conflicts };
    }
    // Fields this manager applied before and no longer applies are removed, unless someone else owns them too.
    const next: Json = existing === undefined ? {} : structuredClone(existing);
    for (const [path, managers] of owners) {
      if (managers.has(manager) && !appliedPaths.has(path)) {
        managers.delete(manager);
        if (managers.size === 0) {
          deleteAt(next, path);
          owners.delete(path);
        }
      }
    }
    mergeInto(next, config);
    for (const path of appliedPaths.keys()) {
      const set = force ? new Set<string>() : (owners.get(path) ?? new Set<string>());
      set.add(manager);
      owners.set(path, set);
    }
    this.owners.set(key, owners);
    if (
      existing !== undefined &&
      isDeepStrictEqual(withoutServerFields(next), withoutServerFields(existing))
    ) {
      return { kind: 'applied', created: false, changed: false, object: existing };
    }
    const meta = metadataOf(next);
    if (existing === undefined) {
      this.uid += 1;
      meta.uid = `00000000-0000-4000-8000-${String(this.uid).padStart(12, '0')}`;
      meta.creationTimestamp = new Date().toISOString();
      if (namespace !== undefined) meta.namespace = namespace;
      if (next.spec !== undefined) meta.generation = 1;
    } else if (!isDeepStrictEqual(next.spec, existing.spec) && next.spec !== undefined) {
      meta.generation = Number(meta.generation ?? 0) + 1;
    }
    meta.managedFields = managedFieldsOf(owners, groupVersionOf(resource));
    this.write(resource, namespace, key, next, existing === undefined ? 'ADDED' : 'MODIFIED');
    return { kind: 'applied', created: existing === undefined, changed: true, object: next };
  }

  /** Changes an object as a controller would (status, deletionTimestamp): new resourceVersion, a MODIFIED event. */
  update(
    resource: FakeResource,
    namespace: string | undefined,
    name: string,
    change: (object: Json) => void,
  ): Json | undefined {
    const key = keyOf(resource, namespace, name);
    const existing = this.objects.get(key);
    if (existing === undefined) return undefined;
    const next = structuredClone(existing);
    change(next);
    this.write(resource, namespace, key, next, 'MODIFIED');
    return next;
  }

  /** Creates an object outright (pods of a simulated controller, nodes), as ADDED. */
  put(resource: FakeResource, namespace: string | undefined, object: Json): Json {
    const meta = metadataOf(object);
    const key = keyOf(resource, namespace, String(meta.name));
    const existed = this.objects.has(key);
    if (namespace !== undefined) meta.namespace = namespace;
    meta.creationTimestamp ??= new Date().toISOString();
    this.write(resource, namespace, key, object, existed ? 'MODIFIED' : 'ADDED');
    return object;
  }

  remove(resource: FakeResource, namespace: string | undefined, name: string): boolean {
    const key = keyOf(resource, namespace, name);
    const existing = this.objects.get(key);
    if (existing === undefined) return false;
    this.revision += 1;
    const object = structuredClone(existing);
    metadataOf(object).resourceVersion = String(this.revision);
    this.objects.delete(key);
    this.owners.delete(key);
    this.emit({ rv: this.revision, type: 'DELETED', resource, namespace, object });
    return true;
  }

  /** The events after `rv` for a watch, or 'gone' when `rv` is older than the kept history. */
  eventsSince(rv: number): StoredEvent[] | 'gone' {
    if (rv < this.compactedBelow) return 'gone';
    return this.history.filter((event) => event.rv > rv);
  }

  /** Forgets the history up to now: a watch from any older resourceVersion will get 410 Gone. */
  compact(): void {
    this.compactedBelow = this.revision;
    this.history.length = 0;
  }

  subscribe(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private write(
    resource: FakeResource,
    namespace: string | undefined,
    key: string,
    object: Json,
    type: 'ADDED' | 'MODIFIED',
  ): void {
    this.revision += 1;
    metadataOf(object).resourceVersion = String(this.revision);
    this.objects.set(key, object);
    this.emit({ rv: this.revision, type, resource, namespace, object: structuredClone(object) });
  }

  private emit(event: StoredEvent): void {
    this.history.push(event);
    for (const listener of this.listeners) listener(event);
  }
}

export function keyOf(resource: FakeResource, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.resource}|${namespace ?? ''}|${name}`;
}

export function metadataOf(object: Json): Json {
  if (typeof object.metadata !== 'object' || object.metadata === null) object.metadata = {};
  return object.metadata as Json;
}

/** Equality-based label selectors ("a=b,c=d", "a==b", "a!=b", "a"). */
export function matchesLabels(object: Json, selector: string | undefined): boolean {
  if (selector === undefined || selector === '') return true;
  const labels = (metadataOf(object).labels ?? {}) as Record<string, string>;
  return selector.split(',').every((term) => {
    const different = /^([^!=]+)!=(.*)$/.exec(term);
    if (different) return labels[different[1]!.trim()] !== different[2]!.trim();
    const equal = /^([^=]+)==?(.*)$/.exec(term);
    if (equal) return labels[equal[1]!.trim()] === equal[2]!.trim();
    return Object.hasOwn(labels, term.trim());
  });
}

/** Leaf fields of an applied configuration as ".a.b" → value; arrays and scalars are leaves. */
function leafPaths(object: Json, prefix = ''): Map<string, unknown> {
  const paths = new Map<string, unknown>();
  for (const [name, value] of Object.entries(object)) {
    const path = `${prefix}.${name}`;
    if (UNOWNED.has(path) || path === '.metadata.resourceVersion' || path === '.metadata.managedFields')
      continue;
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    ) {
      for (const [inner, leaf] of leafPaths(value as Json, path)) paths.set(inner, leaf);
    } else {
      paths.set(path, value);
    }
  }
  return paths;
}

export function valueAt(object: Json, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split('.').slice(1)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Json)[part];
  }
  return current;
}

function deleteAt(object: Json, path: string): void {
  const parts = path.split('.').slice(1);
  const last = parts.pop();
  let current: unknown = object;
  for (const part of parts) {
    if (typeof current !== 'object' || current === null) return;
    current = (current as Json)[part];
  }
  if (last !== undefined && typeof current === 'object' && current !== null) delete (current as Json)[last];
}

function mergeInto(target: Json, source: Json): void {
  for (const [name, value] of Object.entries(source)) {
    const current = target[name];
    if (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current)
    ) {
      mergeInto(current as Json, value as Json);
    } else {
      target[name] = structuredClone(value);
    }
  }
}

function withoutServerFields(object: Json): Json {
  const copy = structuredClone(object);
  const meta = metadataOf(copy);
  for (const field of ['resourceVersion', 'managedFields', 'generation', 'uid', 'creationTimestamp'])
    delete meta[field];
  delete copy.status;
  return copy;
}

function managedFieldsOf(owners: Map<string, Set<string>>, apiVersion: string): Json[] {
  const managers = new Set<string>();
  for (const set of owners.values()) for (const manager of set) managers.add(manager);
  return [...managers].sort().map((manager) => ({
    manager,
    operation: 'Apply',
    apiVersion,
    time: new Date().toISOString(),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
  }));
}
