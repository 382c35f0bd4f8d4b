import type { IncomingMessage } from 'node:http';
import { Writable, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import { defineCommand, dryRun as isDryRun, type CommandContext } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { applyRunPolicy, realPathFor } from '../src/docker/run-policy.js';
import { code, context, fields, reply, type Block } from '../src/core/reply.js';
import { engineMessage, statusCode } from '../src/docker/errors.js';
import { bytesSize, shortId } from '../src/docker/format.js';
import { explainEngineError, nameInUse } from '../src/docker/hints.js';
import type { DockerHost } from '../src/docker/host.js';
import { describePorts, type PortMapping } from '../src/docker/ports.js';
import { pullImage, type PullResult } from '../src/docker/pull.js';
import { redactEnv } from '../src/core/redact.js';
import type { ImageReference } from '../src/docker/reference.js';
import { buildRunSpec, type RunCreateBody, type RunOptions, type RunSpec } from '../src/docker/run-spec.js';

/** Lines of a foreground run's output kept for the reply and `data.output`. */
export const OUTPUT_LINES = 25;
/** Longer lines are cut: one runaway line must not fill a chat message. */
const MAX_LINE_CHARS = 500;
/** After the container exited, how long to wait for the last buffered output. */
const OUTPUT_DRAIN_MS = 2000;

export function runOptionsFrom(ctx: CommandContext): RunOptions {
  const { args } = ctx;
  const optional = <K extends keyof RunOptions>(key: K, value: RunOptions[K] | undefined): Partial<RunOptions> =>
    value === undefined ? {} : { [key]: value };
  return {
    image: args.positional(0) as string,
    command: args.positionals.slice(1),
    detach: args.bool('detach'),
    autoRemove: args.bool('rm'),
    publish: args.strings('publish'),
    env: args.strings('env'),
    labels: args.strings('label'),
    privileged: args.bool('privileged'),
    capAdd: args.strings('cap-add'),
    devices: args.strings('device'),
    volumes: args.strings('volume'),
    securityOpt: args.strings('security-opt'),
    ...optional('name', args.string('name')),
    ...optional('workdir', args.string('workdir')),
    ...optional('entrypoint', args.string('entrypoint')),
    ...optional('restart', args.string('restart')),
    ...optional('memory', args.string('memory')),
    ...optional('cpus', args.number('cpus')),
    ...optional('user', args.string('user')),
    ...optional('network', args.string('network')),
    ...optional('pid', args.string('pid')),
    ...optional('ipc', args.string('ipc')),
    ...optional('uts', args.string('uts')),
  };
}

/** The last lines of the container's output, both streams in the order they arrived. */
export class OutputTail {
  private readonly lines: string[] = [];
  private readonly partial = { stdout: '', stderr: '' };
  // A character may be split between two frames.
  private readonly decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  /** Lines seen in all, including those no longer kept. */
  total = 0;

  sink(stream: 'stdout' | 'stderr', onChange: () => void = () => undefined): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        const pieces = (this.partial[stream] + this.decoders[stream].write(chunk)).split('\n');
        this.partial[stream] = pieces.pop() ?? '';
        for (const line of pieces) this.push(line);
        // Output without newlines must not grow without bound: cut it into lines.
        if (this.partial[stream].length > MAX_LINE_CHARS) {
          this.push(this.partial[stream]);
          this.partial[stream] = '';
        }
        onChange();
        done();
      },
    });
  }

  private push(line: string): void {
    this.total++;
    const clean = line.replace(/\r$/, '');
    this.lines.push(clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS)}…` : clean);
    if (this.lines.length > OUTPUT_LINES) this.lines.shift();
  }

  /** Unterminated last lines count too once the container is done. */
  finish(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      if (rest) this.push(rest);
      this.partial[stream] = '';
    }
  }

  last(): string[] {
    return [...this.lines];
  }
}

function outputBlocks(tail: OutputTail): Block[] {
  const lines = tail.last();
  const blocks: Block[] = [code(lines.length ? lines.join('\n') : '(no output)')];
  if (tail.total > lines.length) blocks.push(context(`last ${lines.length} of ${tail.total} lines`));
  return blocks;
}

const TIMED_OUT = Symbol('timed out');

/** The promise's outcome, or TIMED_OUT once `ms` have passed; the timer never outlives it. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

interface WaitResult {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

/**
 * `POST /containers/{id}/wait`, returned once the engine has sent the response headers: it
 * sends them after registering the wait, so from then on no exit can be missed. The Docker CLI
 * makes sure of the same before it starts a container. `exit` settles when the container exits
 * (or is removed, for --rm).
 */
async function waitForExit(host: DockerHost, id: string, condition: 'next-exit' | 'removed', signal: AbortSignal): Promise<{ exit: Promise<WaitResult> }> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    host.engine.modem.dial(
      {
        path: `/containers/${id}/wait?`,
        method: 'POST',
        options: { condition },
        isStream: true,
        abortSignal: signal,
        statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
      },
      (err, res) => (err ? reject(err as Error) : resolve(res as IncomingMessage)),
    );
  });
  signal.addEventListener('abort', () => response.destroy(), { once: true });
  const exit = (async (): Promise<WaitResult> => {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as WaitResult;
  })();
  // A rejection after we stopped waiting must not go unhandled.
  exit.catch(() => undefined);
  return { exit };
}

async function explained(err: unknown, host: DockerHost): Promise<unknown> {
  return (await explainEngineError(err, host.engine, host.address)) ?? err;
}

function referenceOf(spec: RunSpec): ImageReference | undefined {
  return spec.image.kind === 'id' ? undefined : spec.image.reference;
}

/** Creates the container, pulling the image first when the engine does not have it (as the CLI does). */
async function createContainer(ctx: CommandContext, spec: RunSpec, body: RunCreateBody): Promise<{ container: Dockerode.Container; pulled?: PullResult }> {
  const host = ctx.services.docker;
  try {
    return { container: await host.engine.createContainer(body) };
  } catch (err) {
    const reference = referenceOf(spec);
    const missingImage = statusCode(err) === 404 && /no such image/i.test(String((err as Error).message));
    if (!missingImage || !reference) throw await explained(err, host);
    const pulled = await pullImage(ctx, reference, { title: `Unable to find image '${body.Image}' locally: pulling ${reference.familiar}` });
    try {
      return { container: await host.engine.createContainer(body), pulled };
    } catch (again) {
      throw await explained(again, host);
    }
  }
}

/** Removes a container whose start failed; says what happened, for the error message. */
async function removeFailedContainer(container: Dockerode.Container, name: string): Promise<{ removed: boolean; note: string }> {
  try {
    await container.remove({ force: true, v: true });
    return { removed: true, note: `the container ${name} created for it was removed` };
  } catch (err) {
    // --rm containers may already be gone, or on their way out.
    const status = statusCode(err);
    if (status === 404 || (status === 409 && /already in progress/i.test(String((err as Error).message)))) {
      return { removed: true, note: `the container ${name} created for it was removed` };
    }
    return { removed: false, note: `removing the container ${name} created for it failed too (${engineMessage(err as Parameters<typeof engineMessage>[0])}): remove it with \`rm -f ${name}\`` };
  }
}

/** Host ports as bound by the engine, or as requested while the engine reports none. */
function publishedPorts(info: Dockerode.ContainerInspectInfo | undefined, requested: readonly PortMapping[]): string[] {
  const bound = Object.entries(info?.NetworkSettings?.Ports ?? {}).flatMap(([port, bindings]) =>
    (bindings ?? []).map((b: { HostIp: string; HostPort: string }) => `${b.HostIp && b.HostIp !== '0.0.0.0' && b.HostIp !== '::' ? `${b.HostIp}:` : ''}${b.HostPort}->${port}`),
  );
  if (bound.length) return [...new Set(bound)];
  return requested.length ? describePorts(requested).split(', ') : [];
}

async function inspectQuietly(container: Dockerode.Container): Promise<Dockerode.ContainerInspectInfo | undefined> {
  try {
    return await container.inspect();
  } catch {
    // A detached --rm container that already exited is gone; the reply does without.
    return undefined;
  }
}

function planReply(body: RunCreateBody, spec: RunSpec, defaultsApplied: string[], imagePresent: boolean): Block[] {
  const host = body.HostConfig;
  const facts: Array<[string, string]> = [['Image', `${body.Image}${imagePresent ? '' : ' (not here: would be pulled first)'}`]];
  if (body.name) facts.push(['Name', body.name]);
  if (body.Entrypoint) facts.push(['Entrypoint', JSON.stringify(body.Entrypoint)]);
  if (body.Cmd) facts.push(['Command', JSON.stringify(body.Cmd)]);
  facts.push(['Mode', spec.foreground ? 'foreground (waits and shows the output)' : 'detached']);
  if (spec.ports.mappings.length) facts.push(['Ports', describePorts(spec.ports)]);
  if (body.Env) facts.push(['Env', redactEnv(body.Env).join(', ')]);
  if (body.Labels) facts.push(['Labels', Object.entries(body.Labels).map(([k, v]) => `${k}=${v}`).join(', ')]);
  if (host.Binds || body.Volumes) facts.push(['Volumes', [...(host.Binds ?? []), ...Object.keys(body.Volumes ?? {})].join(', ')]);
  facts.push(['Limits', `memory ${bytesSize(host.Memory ?? 0)}, cpus ${(host.NanoCpus ?? 0) / 1e9}${defaultsApplied.length ? ` (defaults: ${defaultsApplied.join(', ')})` : ''}`]);
  if (host.RestartPolicy) facts.push(['Restart', host.RestartPolicy.Name + (host.RestartPolicy.MaximumRetryCount ? `:${host.RestartPolicy.MaximumRetryCount}` : '')]);
  if (host.AutoRemove) facts.push(['Remove', 'when it exits (--rm)']);
  return [fields(facts), context('dry run: nothing was created; the run policy allows it')];
}

export const run = defineCommand({
  name: 'run',
  aliases: ['container run'],
  summary: 'Create and run a new container from an image',
  options: [
    { name: 'detach', short: 'd', type: 'boolean', description: 'Run container in background and print container ID' },
    { name: 'rm', type: 'boolean', description: 'Automatically remove the container when it exits' },
    { name: 'name', type: 'string', placeholder: 'string', description: 'Assign a name to the container' },
    { name: 'publish', short: 'p', type: 'string', multiple: true, placeholder: 'list', description: "Publish a container's port(s) to the host" },
    { name: 'env', short: 'e', type: 'string', multiple: true, sensitive: true, placeholder: 'list', description: 'Set environment variables (KEY=value)' },
    { name: 'label', short: 'l', type: 'string', multiple: true, placeholder: 'list', description: 'Set meta data on a container' },
    { name: 'workdir', short: 'w', type: 'string', placeholder: 'string', description: 'Working directory inside the container' },
    { name: 'entrypoint', type: 'string', placeholder: 'string', description: 'Overwrite the default ENTRYPOINT of the image' },
    { name: 'restart', type: 'string', placeholder: 'string', description: 'Restart policy to apply when a container exits (no, always, unless-stopped, on-failure[:N])' },
    { name: 'memory', short: 'm', type: 'string', placeholder: 'bytes', description: 'Memory limit (e.g. 512m); the policy default applies otherwise' },
    { name: 'cpus', type: 'number', placeholder: 'decimal', description: 'Number of CPUs; the policy default applies otherwise' },
    { name: 'user', short: 'u', type: 'string', placeholder: 'string', description: 'Username or UID (format: <name|uid>[:<group|gid>])' },
    { name: 'network', type: 'string', placeholder: 'network', description: 'Connect a container to a network' },
    { name: 'volume', short: 'v', type: 'string', multiple: true, placeholder: 'list', description: 'Bind mount a volume (named volumes; host paths only inside the policy allowlist)' },
    // Present so the run policy can refuse them by name instead of "unknown flag".
    { name: 'privileged', type: 'boolean', description: 'Give extended privileges to this container (refused unless the policy allows it)' },
    { name: 'cap-add', type: 'string', multiple: true, placeholder: 'list', description: 'Add Linux capabilities (refused unless the policy allows it)' },
    { name: 'device', type: 'string', multiple: true, placeholder: 'list', description: 'Add a host device to the container (refused unless the policy allows it)' },
    { name: 'pid', type: 'string', placeholder: 'string', description: 'PID namespace to use (host is refused unless the policy allows it)' },
    { name: 'ipc', type: 'string', placeholder: 'string', description: 'IPC mode to use (host is refused unless the policy allows it)' },
    { name: 'uts', type: 'string', placeholder: 'string', description: 'UTS namespace to use (host is refused unless the policy allows it)' },
    { name: 'security-opt', type: 'string', multiple: true, placeholder: 'list', description: 'Security options (unconfined and label=disable are refused unless the policy allows it)' },
  ],
  positionals: [
    { name: 'image', description: 'The image to run, e.g. nginx:1.27', required: true, complete: 'image' },
    { name: 'command', description: 'Command and arguments, replacing the image default', variadic: true },
  ],
  stopAtFirstPositional: true,
  access: 'operate',
  mutating: true,
  async run(ctx) {
    const host = ctx.services.docker;
    const policy = ctx.services.config.policy;
    const spec = buildRunSpec(runOptionsFrom(ctx));
    const { body, defaultsApplied } = applyRunPolicy(spec, policy, realPathFor(host));

    if (isDryRun(ctx)) return dryRun(ctx, spec, body, defaultsApplied);

    const { container, pulled } = await createContainer(ctx, spec, body);
    const pulledData = pulled ? { pulled: { reference: pulled.reference, digest: pulled.digest, status: pulled.status } } : {};
    let name = body.name ?? shortId(container.id);

    if (!spec.foreground) {
      try {
        await container.start();
      } catch (err) {
        throw await startFailure(err, container, name, host);
      }
      const info = await inspectQuietly(container);
      name = info ? info.Name.replace(/^\//, '') : name;
      const ports = publishedPorts(info, spec.ports.mappings);
      return {
        ok: true,
        data: { id: container.id, name, image: body.Image, ports, defaultsApplied, ...pulledData },
        reply: reply(
          [
            fields([
              ['ID', shortId(container.id)],
              ['Name', name],
              ['Image', body.Image],
              ['Ports', ports.join(', ') || 'none published'],
            ]),
            code(container.id),
          ],
          { title: `Started ${name}`, tone: 'ok' },
        ),
      };
    }

    // Foreground: as the CLI does, attach and have the wait in place before starting, so no output
    // and no exit is missed (with --rm the container may be gone right after it exits).
    const info = body.name ? undefined : await inspectQuietly(container);
    if (info) name = info.Name.replace(/^\//, '');
    const tail = new OutputTail();
    const showProgress = (): void => ctx.progress(reply(outputBlocks(tail), { title: `Running ${name}…`, tone: 'info' }));
    const stopWaiting = new AbortController();
    let attached: Readable | undefined;
    let streamEnded: Promise<void>;
    let exited: Promise<WaitResult>;
    try {
      // Without a TTY the engine answers with an HTTP response body: a Readable of multiplexed frames.
      const stream = (await container.attach({ stream: true, stdout: true, stderr: true })) as unknown as Readable;
      attached = stream;
      streamEnded = new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      });
      host.engine.modem.demuxStream(stream, tail.sink('stdout', showProgress), tail.sink('stderr', showProgress));
      ({ exit: exited } = await waitForExit(host, container.id, body.HostConfig.AutoRemove ? 'removed' : 'next-exit', stopWaiting.signal));
      await container.start();
    } catch (err) {
      stopWaiting.abort();
      attached?.destroy();
      throw await startFailure(err, container, name, host);
    }

    let result: WaitResult | typeof TIMED_OUT;
    try {
      result = await within(exited, policy.foregroundTimeoutSeconds * 1000);
    } catch (err) {
      attached.destroy();
      // The wait failed, not the container: it may still run, so it is left alone.
      throw await explained(err, host);
    }

    if (result === TIMED_OUT) {
      stopWaiting.abort();
      attached.destroy();
      tail.finish();
      throw new UserError('timeout', `${name} is still running after ${policy.foregroundTimeoutSeconds} s: the bot stopped waiting, the container keeps running`, {
        hint: 'use -d for long-running containers; policy.foregroundTimeoutSeconds sets how long a foreground run is waited for',
        data: { id: container.id, name, output: tail.last() },
        actions: [
          { label: `Logs of ${name}`, command: `logs --tail 50 ${name}` },
          { label: `Stop ${name}`, command: `stop ${name}`, style: 'danger' },
        ],
      });
    }

    await within(streamEnded, OUTPUT_DRAIN_MS);
    attached.destroy();
    tail.finish();
    const exitCode = result.StatusCode;
    const waitError = result.Error?.Message;
    return {
      ok: exitCode === 0,
      data: { id: container.id, name, exitCode, output: tail.last(), outputLines: tail.total, removed: body.HostConfig.AutoRemove === true, defaultsApplied, ...pulledData },
      ...(exitCode === 0 ? {} : { error: { code: 'nonzero_exit' as const, message: `${name} exited with code ${exitCode}`, hint: 'its output is in the reply (data.output)' } }),
      reply: reply([...outputBlocks(tail), ...(waitError ? [context(`engine: ${waitError}`)] : [])], {
        title: `${name} exited with code ${exitCode}`,
        tone: exitCode === 0 ? 'ok' : 'warn',
      }),
    };
  },
});

async function startFailure(err: unknown, container: Dockerode.Container, knownName: string, host: DockerHost): Promise<unknown> {
  const reason = await explained(err, host);
  // The engine named it when --name was not given; that name is what `ps -a` would have shown.
  const name = (await inspectQuietly(container))?.Name.replace(/^\//, '') || knownName;
  const cleanup = await removeFailedContainer(container, name);
  if (!(reason instanceof UserError)) return reason;
  return new UserError(reason.code, `${name} could not start: ${reason.message}; ${cleanup.note}`, {
    ...(reason.hint ? { hint: reason.hint } : {}),
    data: { id: container.id, name, removed: cleanup.removed },
    actions: cleanup.removed ? reason.actions : [{ label: `Remove ${name}`, command: `rm -f ${name}`, style: 'danger' }],
    cause: err,
  });
}

async function dryRun(ctx: CommandContext, spec: RunSpec, body: RunCreateBody, defaultsApplied: string[]) {
  const host = ctx.services.docker;
  let imagePresent = true;
  try {
    await host.engine.getImage(body.Image).inspect();
  } catch (err) {
    if (statusCode(err) !== 404) throw await explained(err, host);
    if (!referenceOf(spec)) {
      throw new UserError('not_found', `no such image: ${body.Image}`, { hint: 'an image ID cannot be pulled; `images` lists the images here' });
    }
    imagePresent = false;
  }
  if (body.name) {
    try {
      const existing = await host.engine.getContainer(body.name).inspect();
      // Inspect also matches id prefixes; only the exact name is a conflict.
      if (existing.Name === `/${body.name}`) throw nameInUse(body.name, existing.Id, existing.State.Status);
    } catch (err) {
      if (statusCode(err) !== 404) throw err instanceof UserError ? err : await explained(err, host);
    }
  }
  // The plan is the create body, with the environment's values redacted as everywhere else.
  const plan: RunCreateBody = body.Env ? { ...body, Env: redactEnv(body.Env) } : body;
  return {
    ok: true,
    data: { dryRun: true, plan, imagePresent, defaultsApplied },
    reply: reply(planReply(body, spec, defaultsApplied, imagePresent), { title: `Dry run: would ${spec.foreground ? 'run' : 'start'} ${body.Image}` }),
  };
}
