import type { Readable } from 'node:stream';
import { defineCommand, type CommandContext, type Result } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { code, context, fields, reply, say, table, text, type Block, type Reply } from '../src/core/reply.js';
import { isRegistryAllowed } from '../src/docker/run-policy.js';
import {
  baseImages,
  BuildCancelledError,
  BuildFailedError,
  checkBuildPolicy,
  checkUnreadBuildPolicy,
  relativeDockerfile,
  type BuildPolicyVerdict,
  contextTar,
  parseDockerfile,
  readDockerfile,
  runBuild,
  type BuildProgress,
  type RunningBuild,
} from '../src/docker/build.js';
import { humanSize, shortId } from '../src/docker/format.js';
import { statusCode, engineMessage } from '../src/docker/errors.js';
import { isGitContext, parseGitContext, type GitContext } from '../src/docker/git-context.js';
import { parseReference, withDefaultTag } from '../src/docker/reference.js';
import { buildNotice } from '../src/notify/build-notices.js';
import { describeRequester } from '../src/notify/channel.js';

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const build = defineCommand({
  name: 'build',
  aliases: ['image build'],
  summary: 'Build an image from a configured build context',
  options: [
    { name: 'tag', short: 't', type: 'string', multiple: true, placeholder: 'name:tag', description: 'Name and optionally a tag in the name:tag format' },
    { name: 'file', short: 'f', type: 'string', placeholder: 'string', description: "Name of the Dockerfile (default: 'Dockerfile', relative to the context)" },
    // Values are kept out of the audit trail and logs: build args often carry tokens.
    { name: 'build-arg', type: 'string', multiple: true, placeholder: 'list', sensitive: true, description: 'Set build-time variables (KEY=value)' },
    { name: 'no-cache', type: 'boolean', description: 'Do not use cache when building the image' },
    { name: 'pull', type: 'boolean', description: 'Always attempt to pull a newer version of the image' },
  ],
  positionals: [{ name: 'context', description: 'CONTEXT: the name of a configured build context (builds.contexts)', required: true }],
  access: 'operate',
  mutating: true,
  background: true,
  async run(ctx) {
    const builds = ctx.services.config.builds;
    const contextName = ctx.args.positional(0) ?? '';
    const entry = builds.contexts[contextName];
    if (entry === undefined) throw unknownContext(contextName, Object.keys(builds.contexts));
    const tags = parseTags(ctx);
    const buildArgs = parseBuildArgs(ctx.args.strings('build-arg'));
    const options = { noCache: ctx.args.bool('no-cache'), pull: ctx.args.bool('pull') };
    if (isGitContext(entry)) return buildFromGit(ctx, contextName, parseGitContext(entry.git), { tags, buildArgs, options });
    const contextDir = entry as string;
    const dockerfile = await readDockerfile(contextDir, ctx.args.string('file'));
    const steps = parseDockerfile(dockerfile.text);
    if (!steps.some((s) => s.keyword === 'FROM')) {
      throw new UserError('invalid_argument', `${dockerfile.relative} has no FROM instruction`, { hint: 'a Dockerfile starts with FROM IMAGE (or FROM scratch)' });
    }
    const verdict = checkBuildPolicy(baseImages(steps, buildArgs), ctx.services.config.policy);

    if (ctx.args.bool('dry-run')) {
      const plan = {
        action: 'build',
        context: contextName,
        dockerfile: dockerfile.relative,
        tags,
        buildArgs: Object.keys(buildArgs),
        ...options,
        steps: steps.map((s) => ({ line: s.line, instruction: `${s.keyword} ${s.args}` })),
        policy: { allowed: verdict.allowed, checks: verdict.checks, violations: verdict.violations },
      };
      return {
        ok: true,
        data: { plan },
        reply: dryRunReply(
          [['Context', contextName], ['Dockerfile', dockerfile.relative], ['Tags', tags.join(', ')]],
          plan.buildArgs,
          table(['STEP', 'LINE', 'INSTRUCTION'], steps.map((s, i) => [String(i + 1), String(s.line), `${s.keyword} ${s.args}`])),
          verdict,
        ),
      };
    }
    if (!verdict.allowed) {
      throw new UserError('forbidden', `the build policy refuses this Dockerfile: ${verdict.violations.join('; ')}`, {
        hint: 'an admin can add the registry to policy.registries in dockbot.yaml',
        data: { violations: verdict.violations },
      });
    }

    return runAndReport(ctx, {
      contextName,
      tags,
      buildArgs,
      options,
      dockerfile: dockerfile.relative,
      limits: verdict.limits,
      preparing: 'sending the build context',
      prepare: async () => {
        const { stream, stats } = await contextTar(contextDir, dockerfile.relative);
        return { source: stream, stats: { contextFiles: stats.files, contextBytes: stats.bytes } };
      },
    });
  },
});

interface BuildJob {
  contextName: string;
  tags: string[];
  buildArgs: Record<string, string>;
  options: { noCache: boolean; pull: boolean };
  /** Relative to the context. */
  dockerfile: string;
  limits: BuildPolicyVerdict['limits'];
  /** What the progress says before the first step. */
  preparing: string;
  /** What the engine gets: a tar stream, or a git URL it clones; the figures go into `data`. */
  prepare(): Promise<{ source: Readable | { remote: string }; stats: Record<string, number> }>;
  /** An Engine error that means the source could not be used (a git ref that does not exist), as a user error. */
  fetchFailure?(err: unknown): UserError | undefined;
}

/** Runs the build in the background of the request: progress with Cancel, the team told, the outcome coded. */
async function runAndReport(ctx: CommandContext, job: BuildJob): Promise<Result> {
  const { contextName, tags, buildArgs, options } = job;
  const builds = ctx.services.config.builds;
  // With several engines the team is told which one builds it.
  const engine = (ctx.services.engines?.names.length ?? 0) > 1 ? { engine: ctx.services.docker.name } : {};
  const who = describeRequester(ctx.request.requester);
  const running = ctx.services.builds.start({ by: who, tags, context: contextName });
  const started = performance.now();
  const deadline = setTimeout(() => running.controller.abort(new BuildCancelledError(`the ${builds.timeoutSeconds} s deadline`, true)), builds.timeoutSeconds * 1000);
  const notifyBuild = (status: 'started' | 'succeeded' | 'failed', extra: { durationSeconds?: number; excerpt?: string[]; exitCode?: number | null; reason?: string; imageId?: string } = {}): void => {
    void ctx.services.notifier
      .notify(buildNotice({ id: running.id, status, image: tags[0] as string, source: `chat: ${who}`, context: contextName, ...engine, ...extra }))
      .catch((err: unknown) => ctx.log.error({ err }, 'build notification failed'));
  };
  notifyBuild('started');
  // The Cancel button runs `build cancel ID` as whoever presses it (their role, their audit row).
  const cancelId = ctx.services.suggestions.add(`build cancel ${running.id}`);
  ctx.progress(progressReply(running, cancelId, { step: 0, steps: 0, instruction: job.preparing, lines: [] }));
  try {
    const { source, stats } = await job.prepare();
    const result = await runBuild(
      ctx.services.docker.engine,
      source,
      { tags, dockerfile: job.dockerfile, buildArgs, ...options, limits: job.limits },
      (progress) => ctx.progress(progressReply(running, cancelId, progress)),
      running.controller.signal,
    );
    const image = await ctx.services.docker.engine.getImage(result.imageId).inspect();
    const durationSeconds = round((performance.now() - started) / 1000);
    notifyBuild('succeeded', { durationSeconds, imageId: result.imageId });
    const data = { id: running.id, status: 'succeeded', context: contextName, tags, imageId: result.imageId, size: image.Size, steps: result.steps, durationSeconds, ...stats };
    return {
      ok: true,
      data,
      reply: reply(
        [
          fields([
            ['Image', shortId(result.imageId)],
            ['Tags', tags.join(', ')],
            ['Size', humanSize(image.Size)],
            ['Duration', `${durationSeconds} s`],
            ['Steps', String(result.steps)],
          ]),
        ],
        { title: `Built ${tags.join(', ')}`, tone: 'ok' },
      ),
    };
  } catch (err) {
    const durationSeconds = round((performance.now() - started) / 1000);
    const reason = running.controller.signal.aborted ? running.controller.signal.reason : err;
    if (reason instanceof BuildCancelledError) {
      notifyBuild('failed', { durationSeconds, reason: reason.message });
      return {
        ok: false,
        data: { id: running.id, status: 'cancelled', context: contextName, tags, cancelledBy: reason.by, durationSeconds },
        error: reason.deadline
          ? { code: 'timeout', message: `the build of ${tags.join(', ')} was ${reason.message}`, hint: 'builds.timeoutSeconds in dockbot.yaml sets how long a build may run' }
          : { code: 'cancelled', message: `the build of ${tags.join(', ')} was ${reason.message}`, hint: 'nothing was tagged; run the build again to retry' },
        reply: reply([text(say`The build was ${reason.message}; nothing was tagged.`)], { title: `Build of ${tags.join(', ')} cancelled`, tone: 'warn' }),
      };
    }
    if (err instanceof BuildFailedError) {
      notifyBuild('failed', { durationSeconds, excerpt: err.progress.lines, exitCode: err.exitCode, reason: err.message });
      const p = err.progress;
      return {
        ok: false,
        data: { id: running.id, status: 'failed', context: contextName, tags, step: p.step, steps: p.steps, instruction: p.instruction, exitCode: err.exitCode, lines: p.lines, message: err.message, durationSeconds },
        error: { code: 'build_failed', message: err.message, hint: p.lines.length ? 'the last output lines of the failing step are in the reply (data.lines)' : 'fix the Dockerfile or the context and build again' },
        reply: reply(
          [
            fields([
              ['Step', p.step ? `${p.step}/${p.steps}` : '-'],
              ['Instruction', p.instruction || '-'],
              ['Exit code', err.exitCode === null ? '-' : String(err.exitCode)],
              ['Duration', `${durationSeconds} s`],
            ]),
            ...(p.lines.length ? [code(p.lines.join('\n'))] : []),
            context(say`${err.message}`),
          ],
          { title: `Build of ${tags.join(', ')} failed`, tone: 'error' },
        ),
      };
    }
    const refused = job.fetchFailure?.(err);
    notifyBuild('failed', { durationSeconds, reason: refused?.message ?? (err instanceof Error ? err.message : String(err)) });
    throw refused ?? err;
  } finally {
    clearTimeout(deadline);
    ctx.services.builds.finish(running.id);
  }
}

/** A dry run of either kind of context: what would be built, the steps (or why they are unknown), the policy's verdict. */
function dryRunReply(rows: Array<[string, string]>, buildArgNames: readonly string[], steps: Block, verdict: BuildPolicyVerdict): Reply {
  return reply(
    [
      fields([...rows, ...(buildArgNames.length ? ([['Build args', buildArgNames.join(', ')]] as Array<[string, string]>) : [])]),
      steps,
      text(verdict.allowed ? 'Policy: allowed' : 'Policy: refused'),
      ...(verdict.violations.length ? [code(verdict.violations.join('\n'))] : []),
      context(say`${verdict.checks.join(' · ')}`),
    ],
    { title: 'Dry run: nothing was built', tone: verdict.allowed ? 'info' : 'warn' },
  );
}

/**
 * A git context: the engine clones the repository (POST /build `remote`), so the bot never sees
 * the Dockerfile: a dry run says what would be sent and that the steps are not known yet.
 */
async function buildFromGit(
  ctx: CommandContext,
  contextName: string,
  git: GitContext,
  given: { tags: string[]; buildArgs: Record<string, string>; options: { noCache: boolean; pull: boolean } },
): Promise<Result> {
  const dockerfile = relativeDockerfile(ctx.args.string('file'));
  const verdict = checkUnreadBuildPolicy(ctx.services.config.policy);
  const source = { git: git.repository, ref: git.ref ?? null, subdir: git.subdir ?? null };
  if (ctx.args.bool('dry-run')) {
    const plan = {
      action: 'build',
      context: contextName,
      source,
      remote: git.remote,
      dockerfile,
      tags: given.tags,
      buildArgs: Object.keys(given.buildArgs),
      ...given.options,
      steps: null,
      stepsNote: STEPS_UNKNOWN,
      policy: { allowed: verdict.allowed, checks: verdict.checks, violations: verdict.violations },
    };
    return {
      ok: true,
      data: { plan },
      reply: dryRunReply(
        [
          ['Context', contextName],
          ['Repository', git.repository],
          ['Ref', git.ref ?? 'master (none configured: the engine fetches master)'],
          ...(git.subdir ? ([['Subdirectory', git.subdir]] as Array<[string, string]>) : []),
          ['Dockerfile', dockerfile],
          ['Tags', given.tags.join(', ')],
        ],
        plan.buildArgs,
        text(say`Sent to the engine: remote ${git.remote}. ${STEPS_UNKNOWN}.`),
        verdict,
      ),
    };
  }
  if (!verdict.allowed) {
    throw new UserError('forbidden', `the build policy refuses git context "${contextName}": ${verdict.violations.join('; ')}`, {
      hint: 'use a context directory on the bot host (its Dockerfile is checked), or an admin lifts policy.registries',
      data: { violations: verdict.violations },
    });
  }
  return runAndReport(ctx, {
    contextName,
    ...given,
    dockerfile,
    limits: verdict.limits,
    preparing: 'the engine is fetching the repository',
    prepare: async () => ({ source: { remote: git.remote }, stats: {} }),
    // The engine answers a clone or checkout that fails before the first step with a 500 and git's message.
    fetchFailure: (err) => {
      const status = statusCode(err);
      if (status === undefined || status < 400) return undefined;
      const message = engineMessage(err as Parameters<typeof engineMessage>[0]).replace(/\s+/g, ' ').trim().slice(0, 500);
      return new UserError('build_failed', `the engine could not use git context "${contextName}" (${git.remote}): ${message}`, {
        hint: `check the ref and subdirectory in builds.contexts.${contextName}, and that the engine's host can reach the repository (git runs there)`,
        data: { context: contextName, remote: git.remote, engineMessage: message },
      });
    },
  });
}

const STEPS_UNKNOWN = "The Dockerfile's steps are not known: the engine fetches the repository only when the build runs";

function progressReply(job: RunningBuild, cancelId: string, p: BuildProgress): Reply {
  const blocks: Block[] = [
    {
      type: 'progress',
      steps: [{ label: p.steps ? `Step ${p.step}/${p.steps}` : 'Preparing', status: p.instruction }],
      ...(p.steps ? { percent: Math.round(((p.step - 1) / p.steps) * 100) } : {}),
    },
  ];
  if (p.lines.length) blocks.push(code(p.lines.join('\n')));
  blocks.push(context(say`build ${job.id} of context ${job.context}, started by ${job.by}`));
  blocks.push({ type: 'actions', actions: [{ id: cancelId, label: 'Cancel', style: 'danger' }] });
  return reply(blocks, { title: `Building ${job.tags.join(', ')}`, tone: 'info' });
}

function unknownContext(name: string, known: string[]): UserError {
  return new UserError('usage', known.length ? `unknown build context "${name}"; the configured ones are: ${known.join(', ')}` : `unknown build context "${name}": no build contexts are configured`, {
    hint: known.length ? `\`build -t NAME:TAG ${known[0]}\`` : 'an admin adds one under builds.contexts in dockbot.yaml (a name -> a directory on the bot host, or { git: URL })',
    data: { contexts: known },
  });
}

function parseTags(ctx: CommandContext): string[] {
  const typed = ctx.args.strings('tag');
  if (typed.length === 0) throw new UserError('usage', 'build needs a name for the image: -t NAME:TAG', { hint: '`build -t demo:v1 demo`' });
  return typed.map((t) => {
    const ref = parseReference(t);
    if (ref.digest !== undefined) throw new UserError('invalid_reference', `a build tag cannot have a digest ("${t}")`, { hint: 'use NAME:TAG' });
    if (!isRegistryAllowed(ref.domain, ctx.services.config.policy.registries)) {
      throw new UserError('forbidden', `images must come from an allowed registry (${ctx.services.config.policy.registries.join(', ')}); ${ref.familiar} is from ${ref.domain}`, {
        hint: 'an admin can add the registry to policy.registries in dockbot.yaml',
      });
    }
    return withDefaultTag(ref).familiar;
  });
}

function parseBuildArgs(entries: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (!BUILD_ARG_NAME.test(key)) throw new UserError('usage', `--build-arg needs KEY=value with a variable name as KEY, not "${key.slice(0, 40)}"`, { hint: '`--build-arg VERSION=1.2`' });
    // KEY alone takes the value from the environment in the Docker CLI: the bot's environment is not for chat users.
    if (eq < 0) throw new UserError('usage', `--build-arg ${key} needs a value (KEY=value)`, { hint: 'the bot does not pass its own environment to builds' });
    out[key] = entry.slice(eq + 1);
  }
  return out;
}


const round = (n: number): number => Math.round(n * 10) / 10;
