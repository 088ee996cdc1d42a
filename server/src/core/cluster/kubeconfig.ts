// Finding and reading the user's kubeconfig the way kubectl does, with @kubernetes/client-node doing
// the parsing and the authentication (client certificates, bearer tokens, exec plugins, auth
// providers). Which files, in priority order:
//   1. the `trustwright.kubeconfig` setting (one path or a list);
//   2. the Kubernetes extension's `vs-kubernetes.kubeconfig`, when set;
//   3. KUBECONFIG (several files, separated like PATH; files that do not exist are skipped);
//   4. ~/.kube/config.
// Several files merge as kubectl merges them: for every cluster, user and context name the first
// file that defines it wins, and current-context comes from the first file that sets one. The
// kubeconfig is never written: switching context changes only what this process uses.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterFault } from './faults';

export type KubeconfigOrigin = 'trustwright.kubeconfig' | 'vs-kubernetes.kubeconfig' | 'KUBECONFIG' | '~/.kube/config';

export interface KubeconfigSources {
  /** `trustwright.kubeconfig`. */
  readonly setting?: string | readonly string[];
  /** How to name a kubeconfig explicitly, for messages: `set trustwright.kubeconfig` unless given (the CLI's flag). */
  readonly settingHint?: string;
  /** The Kubernetes extension's `vs-kubernetes.kubeconfig`. */
  readonly kubernetesExtension?: string;
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to os.homedir(). */
  readonly home?: string;
}

export interface ContextInfo {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  /** The context's namespace, `default` when it sets none (as kubectl assumes). */
  readonly namespace: string;
  readonly server?: string;
}

export interface LoadedKubeconfig {
  readonly origin: KubeconfigOrigin;
  readonly files: readonly string[];
  readonly contexts: readonly ContextInfo[];
  readonly currentContext?: string;
  /** Makes a client-node KubeConfig with `context` current (a fresh one: nothing is shared). */
  forContext(context: string): KubeConfig;
}

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/** Which files to read, and why those. */
export function kubeconfigFiles(sources: KubeconfigSources = {}): { origin: KubeconfigOrigin; files: string[] } {
  const env = sources.env ?? process.env;
  const home = sources.home ?? homedir();
  const setting = typeof sources.setting === 'string' ? [sources.setting] : [...(sources.setting ?? [])];
  const explicit = setting.map((s) => s.trim()).filter(Boolean);
  if (explicit.length > 0) return { origin: 'trustwright.kubeconfig', files: explicit.map((f) => resolve(expandHome(f, home))) };
  if (sources.kubernetesExtension?.trim()) {
    return { origin: 'vs-kubernetes.kubeconfig', files: [resolve(expandHome(sources.kubernetesExtension.trim(), home))] };
  }
  const variable = env.KUBECONFIG;
  if (variable && variable.length > 0) {
    const files = variable.split(delimiter).filter(Boolean).map((f) => resolve(expandHome(f, home)));
    // kubectl skips entries of KUBECONFIG that do not exist.
    return { origin: 'KUBECONFIG', files: files.filter((f) => existsSync(f)) };
  }
  return { origin: '~/.kube/config', files: [join(home, '.kube', 'config')] };
}

interface Parts {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext?: string;
}

function readFile(file: string): Parts {
  if (!existsSync(file)) throw new ClusterFault('config', `kubeconfig ${file} does not exist`);
  if (!statSync(file).isFile()) throw new ClusterFault('config', `kubeconfig ${file} is not a file`);
  const config = new KubeConfig();
  try {
    // Entries that lack required fields are skipped, as kubectl skips them, rather than failing the file.
    config.loadFromFile(file, { onInvalidEntry: 'filter' });
  } catch (error) {
    throw new ClusterFault('config', `kubeconfig ${file} cannot be read: ${(error as Error).message.split('\n')[0]}`);
  }
  return {
    clusters: config.getClusters() ?? [],
    users: config.getUsers() ?? [],
    contexts: config.getContexts() ?? [],
    currentContext: config.getCurrentContext() || undefined,
  };
}

function firstWins<T extends { name: string }>(into: T[], items: readonly T[]): void {
  for (const item of items) if (!into.some((existing) => existing.name === item.name)) into.push(item);
}

/** Reads and merges the kubeconfig files. Throws a `config` ClusterFault with a sentence for people. */
export function loadKubeconfig(sources: KubeconfigSources = {}): LoadedKubeconfig {
  const { origin, files } = kubeconfigFiles(sources);
  if (files.length === 0) throw new ClusterFault('config', 'KUBECONFIG names no file that exists');
  const merged: Parts = { clusters: [], users: [], contexts: [] };
  for (const file of files) {
    if (origin === '~/.kube/config' && !existsSync(file)) {
      throw new ClusterFault('config', `no kubeconfig found: set KUBECONFIG, create ~/.kube/config, or ${sources.settingHint ?? 'set trustwright.kubeconfig'}`);
    }
    const parts = readFile(file);
    firstWins(merged.clusters, parts.clusters);
    firstWins(merged.users, parts.users);
    firstWins(merged.contexts, parts.contexts);
    merged.currentContext ??= parts.currentContext;
  }
  if (merged.contexts.length === 0) throw new ClusterFault('config', `${files.join(', ')} defines no context`);

  const contexts: ContextInfo[] = merged.contexts.map((c) => ({
    name: c.name,
    cluster: c.cluster,
    user: c.user,
    namespace: c.namespace || 'default',
    server: merged.clusters.find((cl) => cl.name === c.cluster)?.server,
  }));
  const current = merged.currentContext && contexts.some((c) => c.name === merged.currentContext) ? merged.currentContext : undefined;

  return {
    origin,
    files,
    contexts,
    currentContext: current,
    forContext(name: string): KubeConfig {
      const context = merged.contexts.find((c) => c.name === name);
      if (!context) throw new ClusterFault('config', `the kubeconfig has no context named "${name}"`);
      const cluster = merged.clusters.find((c) => c.name === context.cluster);
      if (!cluster) throw new ClusterFault('config', `context "${name}" names cluster "${context.cluster}", which the kubeconfig does not define`);
      if (!cluster.server) throw new ClusterFault('config', `cluster "${cluster.name}" has no server address`);
      const user = merged.users.find((u) => u.name === context.user);
      const config = new KubeConfig();
      config.loadFromOptions({ clusters: [cluster], users: user ? [user] : [], contexts: [context], currentContext: name });
      return config;
    },
  };
}

/** The context to use: the one asked for, else the kubeconfig's current context. */
export function chooseContext(loaded: LoadedKubeconfig, asked?: string): ContextInfo {
  const name = asked ?? loaded.currentContext;
  if (!name) throw new ClusterFault('config', `the kubeconfig sets no current-context; choose one of: ${loaded.contexts.map((c) => c.name).join(', ')}`);
  const context = loaded.contexts.find((c) => c.name === name);
  if (!context) throw new ClusterFault('config', `the kubeconfig has no context named "${name}"; it has: ${loaded.contexts.map((c) => c.name).join(', ')}`);
  return context;
}
