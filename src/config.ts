// One schema for everything configurable: environment variables plus an optional dockbot.yaml.
// An invalid value stops start-up with the key and what is allowed; secrets are never echoed.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { connectionOptions } from './docker/host.js';
import { parseGitContext } from './docker/git-context.js';

const identity = z
  .string()
  .regex(/^(slack|slack-group|discord|discord-role):[A-Za-z0-9]+$/, 'an identity like "slack:U01ABC", "slack-group:S01", "discord:1234" or "discord-role:5678"');
const grants = z.object({ admin: z.array(identity).default([]), operator: z.array(identity).default([]) }).strict();

/** Memory as the Docker CLI writes it: 512m, 1g, 1048576. */
const memory = z.string().regex(/^\d+(\.\d+)?[bkmg]?$/i, 'a size like 512m or 2g');

const hostPath = z.string().startsWith('/', 'an absolute host path');

/** What `run` may ask of the engine. Applies to every role; only this file relaxes it. */
const runPolicy = z
  .object({
    allowPrivileged: z.boolean().default(false),
    /** --network/--pid/--ipc/--uts host, or joining another container's namespaces (container:NAME) */
    allowHostNamespaces: z.boolean().default(false),
    allowCapAdd: z.boolean().default(false),
    allowDevices: z.boolean().default(false),
    /** Host paths (and what is under them) that bind mounts may use, read-only unless `{path, rw: true}`; empty: none. */
    bindMounts: z
      .array(z.union([hostPath, z.object({ path: hostPath, rw: z.boolean().default(false) }).strict()]))
      .default([]),
    /** --security-opt seccomp=unconfined, apparmor=unconfined, label=disable (and stored containers with them). */
    allowUnconfined: z.boolean().default(false),
    /** Registries images may come from (docker.io, 127.0.0.1:5000, ...); empty: any. */
    registries: z.array(z.string().min(1)).default([]),
    /** Limits given to containers that do not ask for their own. */
    defaultMemory: memory.default('512m'),
    defaultCpus: z.number().positive().max(1024).default(1),
    /** How long a foreground `run` may take before the bot stops waiting (the container keeps running). */
    foregroundTimeoutSeconds: z.number().int().min(1).max(3600).default(60),
  })
  .strict();

export type RunPolicyConfig = z.infer<typeof runPolicy>;

/** The policy with nothing configured: every dangerous option off, default limits on. */
export const DEFAULT_RUN_POLICY: RunPolicyConfig = runPolicy.parse({});

/** A name people type as the CONTEXT of `build`: never a path. */
const contextName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a context name like "demo" or "web-api" (lowercase, digits, . _ -)');
/** Where notifications go: "<platform>:<channel id>" ("shell:terminal" is the terminal session). */
export const channelAddress = z.string().regex(/^(slack|discord|shell):[A-Za-z0-9_-]{1,64}$/, 'a channel like "slack:C01BUILDS", "discord:3000" or "shell:terminal"');

/** A repository the engine clones for the build (POST /build `remote`): only the URL forms its builder takes as git. */
const gitContext = z
  .object({
    git: z.string().superRefine((url, ctx) => {
      try {
        parseGitContext(url);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  })
  .strict();

const builds = z
  .object({
    /** `build ... NAME` may use these directories (absolute paths on the bot's host) as its context. */
    contexts: z.record(contextName, z.union([z.string().startsWith('/', 'an absolute directory on the bot host, or { git: URL }'), gitContext])).default({}),
    /** A build still running after this long is cancelled. */
    timeoutSeconds: z.number().int().min(10).max(24 * 3600).default(1800),
  })
  .strict();

const notifications = z
  .object({
    /** Where builds and engine events go. */
    channels: z.array(channelAddress).default([]),
    /** At most one message about the same container in the same channel within this many seconds. */
    cooldownSeconds: z.number().int().min(0).max(86_400).default(60),
    /** A container that dies this many times within `restartLoopMinutes` is one "restart loop" message, then quiet. */
    restartLoopCount: z.number().int().min(2).max(100).default(3),
    restartLoopMinutes: z.number().int().min(1).max(1440).default(5),
  })
  .strict();

/** How engines are named in `--host NAME`, `use NAME` and the audit trail. */
export const ENGINE_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** The engine DOCKER_HOST names. */
export const DEFAULT_ENGINE_NAME = 'default';

const engineAddress = z
  .string()
  .min(1)
  .superRefine((address, ctx) => {
    try {
      connectionOptions(address);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^DOCKER_HOST/, 'host') });
    }
  });

const existingFile = hostPath.refine((p) => existsSync(p), 'no such file');

/** One more engine: where it is, how to reach it (TLS files for tcp://), and who may do what there. */
const engineEntry = z
  .object({
    host: engineAddress,
    tls: z.object({ ca: existingFile, cert: existingFile, key: existingFile }).strict().optional(),
    /** The engine commands use when neither `--host` nor `use` names one. */
    default: z.boolean().default(false),
    /** Replaces the top-level operator grants on this engine; top-level admins stay admins. */
    roles: grants.optional(),
    timeoutSeconds: z.number().positive().max(3600).optional(),
  })
  .strict();

const fileSchema = z
  .object({
    builds: builds.default({}),
    notifications: notifications.default({}),
    engines: z
      .record(z.string().regex(ENGINE_NAME_RE, 'an engine name: lowercase letters, digits, "_" and "-", at most 32'), engineEntry)
      .default({})
      .superRefine((engines, ctx) => {
        if (DEFAULT_ENGINE_NAME in engines) ctx.addIssue({ code: 'custom', message: `"${DEFAULT_ENGINE_NAME}" is the engine DOCKER_HOST names: choose another name` });
        const defaults = Object.entries(engines).filter(([, e]) => e.default).map(([n]) => n);
        if (defaults.length > 1) ctx.addIssue({ code: 'custom', message: `only one engine can be the default (${defaults.join(', ')} say default: true)` });
      }),
    policy: runPolicy.default({}),
    roles: grants.default({}),
    /** Grants that hold in one channel only, keyed "<platform>:<channel id>". */
    channels: z.record(z.string().regex(/^(slack|discord):[A-Za-z0-9]+$/, 'a channel like "slack:C01" or "discord:1234"'), grants.partial()).default({}),
    knowledge: z.object({ dirs: z.array(z.string()).default([]) }).strict().default({}),
    confirm: z
      .object({
        ttlSeconds: z.number().int().min(10).max(3600).default(120),
        /** Previews with Confirm/Cancel are shown to the whole channel, so a team sees what is pending. */
        public: z.boolean().default(false),
      })
      .strict()
      .default({}),
    /** How long one Engine API call may take (reads and quick writes; a stream until it starts). */
    engine: z.object({ timeoutSeconds: z.number().positive().max(3600).default(30) }).strict().default({}),
    /** `@dockbot <text>` in Discord channels: needs the privileged Message Content intent. */
    discord: z.object({ mentions: z.boolean().default(false) }).strict().default({}),
    dataDir: z.string().optional(),
  })
  .strict();

/** The engine when DOCKER_HOST is not set: the local daemon's socket. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const url = z.string().url('a URL such as http://127.0.0.1:8080/api/');

const envSchema = z.object({
  DOCKBOT_CONFIG: z.string().optional(),
  DOCKER_HOST: z
    .string()
    .min(1)
    .default(DEFAULT_DOCKER_HOST)
    .superRefine((address, ctx) => {
      try {
        connectionOptions(address);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'an app-level token starting with xapp-').optional(),
  SLACK_API_URL: url.optional(),
  DISCORD_TOKEN: z.string().min(1).optional(),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'the numeric application id').optional(),
  DISCORD_API_URL: url.optional(),
  PORT: z.coerce.number().int('an integer').min(1).max(65535).default(3000),
  /** Unset: `info` for chat adapters, `warn` in a terminal (so the session stays readable). */
  LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  DOCKBOT_DATA_DIR: z.string().optional(),
  /** Shared secret of `POST /hooks/build` (HMAC-SHA256 of the raw body). */
  DOCKBOT_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
});

// The YAML parser loads only when there is a file to read (most one-shot runs have none).
const parseYaml = (source: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(source);

export type FileConfig = z.infer<typeof fileSchema>;

export interface EngineConfig {
  name: string;
  host: string;
  tls?: { ca: string; cert: string; key: string };
  /** Grants on this engine instead of the top-level operators (top-level admins still count). */
  roles?: FileConfig['roles'];
  timeoutMs: number;
}

export interface Config {
  /** DOCKER_HOST: the engine named "default". */
  dockerHost: string;
  /** Every engine commands can use: "default" (DOCKER_HOST) first, then the YAML's `engines`. */
  engines: EngineConfig[];
  /** The engine used when a request names none. */
  defaultEngine: string;
  slack: { botToken?: string; signingSecret?: string; appToken?: string; apiUrl?: string };
  discord: { token?: string; applicationId?: string; apiUrl?: string; mentions: boolean };
  port: number;
  logLevel: (typeof LOG_LEVELS)[number] | undefined;
  roles: FileConfig['roles'] & { channels: FileConfig['channels'] };
  knowledgeDirs: string[];
  confirmTtlMs: number;
  /** Previews are posted for the channel, not only the requester. */
  previewsPublic: boolean;
  /** Deadline of one Engine API call. */
  engineTimeoutMs: number;
  policy: RunPolicyConfig;
  builds: FileConfig['builds'];
  notifications: FileConfig['notifications'];
  webhookSecret?: string;
  /** Where the audit log and other state live. */
  dataDir: string;
  /** The YAML file that was read, if any. */
  file: string | null;
}

/** Per-user state, as the XDG base directories say: one-shot runs never litter the working directory. */
function defaultDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'dockbot');
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function describe(issues: z.ZodIssue[], where: string): string {
  return issues
    .map((i) => {
      const key = i.path.join('.') || '(top level)';
      const detail = i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message;
      return `${where} ${key}: ${detail}`;
    })
    .join('\n');
}

/** Secrets that may come from a file instead (`SLACK_BOT_TOKEN_FILE=/run/secrets/...`: Docker and Swarm secrets). */
const FROM_FILE = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DISCORD_TOKEN'] as const;

function withSecretFiles(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of FROM_FILE) {
    const file = env[`${name}_FILE`];
    if (!file || env[name] !== undefined) continue;
    try {
      out[name] = readFileSync(file, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`environment variable ${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return out;
}

export function loadConfig(givenEnv: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const env = withSecretFiles(givenEnv);
  const envResult = envSchema.safeParse(env);
  if (!envResult.success) throw new ConfigError(describe(envResult.error.issues, 'environment variable'));
  const e = envResult.data;

  const explicit = e.DOCKBOT_CONFIG !== undefined;
  const file = resolve(cwd, e.DOCKBOT_CONFIG ?? 'dockbot.yaml');
  let raw: unknown = {};
  if (existsSync(file)) {
    try {
      raw = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (err) {
      throw new ConfigError(`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
    }
  } else if (explicit) {
    throw new ConfigError(`DOCKBOT_CONFIG names ${file}, which does not exist`);
  }
  const fileResult = fileSchema.safeParse(raw);
  if (!fileResult.success) throw new ConfigError(describe(fileResult.error.issues, `${file}:`));
  const f = fileResult.data;

  const engineTimeoutMs = f.engine.timeoutSeconds * 1000;
  const named: EngineConfig[] = Object.entries(f.engines).map(([name, entry]) => ({
    name,
    host: entry.host,
    ...(entry.tls ? { tls: entry.tls } : {}),
    ...(entry.roles ? { roles: entry.roles } : {}),
    timeoutMs: entry.timeoutSeconds === undefined ? engineTimeoutMs : entry.timeoutSeconds * 1000,
  }));
  // DOCKER_HOST is an engine when it is set, or when it is the only one (the local socket).
  const withDefault = env.DOCKER_HOST !== undefined || named.length === 0;
  const engines = [...(withDefault ? [{ name: DEFAULT_ENGINE_NAME, host: e.DOCKER_HOST, timeoutMs: engineTimeoutMs }] : []), ...named];
  const chosen = Object.entries(f.engines).find(([, entry]) => entry.default)?.[0];

  return {
    dockerHost: e.DOCKER_HOST,
    engines,
    defaultEngine: chosen ?? (engines[0] as EngineConfig).name,
    slack: { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL },
    discord: { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, apiUrl: e.DISCORD_API_URL, mentions: f.discord.mentions },
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    roles: { ...f.roles, channels: f.channels },
    knowledgeDirs: f.knowledge.dirs.map((d) => resolve(cwd, d)),
    confirmTtlMs: f.confirm.ttlSeconds * 1000,
    previewsPublic: f.confirm.public,
    engineTimeoutMs,
    policy: f.policy,
    builds: f.builds,
    notifications: f.notifications,
    ...(e.DOCKBOT_WEBHOOK_SECRET ? { webhookSecret: e.DOCKBOT_WEBHOOK_SECRET } : {}),
    dataDir: resolve(cwd, e.DOCKBOT_DATA_DIR ?? f.dataDir ?? defaultDataDir(env)),
    file: existsSync(file) ? file : null,
  };
}
