import { defineCommand } from '../src/core/command.js';
import { context, fields, plural, reply, type Block } from '../src/core/reply.js';
import { bytesSize } from '../src/docker/format.js';

/** The part of GET /info that `info` shows (dockerode leaves the response untyped). */
interface EngineInfo {
  Name?: string;
  ServerVersion?: string;
  Containers?: number;
  ContainersRunning?: number;
  ContainersPaused?: number;
  ContainersStopped?: number;
  Images?: number;
  Driver?: string;
  LoggingDriver?: string;
  CgroupDriver?: string;
  CgroupVersion?: string;
  KernelVersion?: string;
  OperatingSystem?: string;
  OSType?: string;
  Architecture?: string;
  NCPU?: number;
  MemTotal?: number;
  DockerRootDir?: string;
  Swarm?: { LocalNodeState?: string };
  Warnings?: string[] | null;
}

export interface InfoData {
  name: string;
  serverVersion: string;
  containers: { total: number; running: number; paused: number; stopped: number };
  images: number;
  storageDriver: string;
  loggingDriver: string;
  cgroupDriver: string;
  cgroupVersion: string;
  kernelVersion: string;
  operatingSystem: string;
  osType: string;
  architecture: string;
  cpus: number;
  memoryBytes: number;
  /** As `docker info` prints it: "23.54GiB". */
  memory: string;
  dockerRootDir: string;
  swarm: string;
  warnings: string[];
}

/** Warnings shown in the reply; the rest are counted (all of them are in `data`). */
const REPLY_MAX_WARNINGS = 3;

export const info = defineCommand({
  name: 'info',
  aliases: ['system info'],
  summary: 'Display system-wide information about the Docker Engine',
  options: [],
  access: 'read',
  async run(ctx) {
    const engine = (await ctx.services.docker.engine.info()) as EngineInfo;
    const data: InfoData = {
      name: engine.Name ?? '',
      serverVersion: engine.ServerVersion ?? '',
      containers: {
        total: engine.Containers ?? 0,
        running: engine.ContainersRunning ?? 0,
        paused: engine.ContainersPaused ?? 0,
        stopped: engine.ContainersStopped ?? 0,
      },
      images: engine.Images ?? 0,
      storageDriver: engine.Driver ?? '',
      loggingDriver: engine.LoggingDriver ?? '',
      cgroupDriver: engine.CgroupDriver ?? '',
      cgroupVersion: engine.CgroupVersion ?? '',
      kernelVersion: engine.KernelVersion ?? '',
      operatingSystem: engine.OperatingSystem ?? '',
      osType: engine.OSType ?? '',
      architecture: engine.Architecture ?? '',
      cpus: engine.NCPU ?? 0,
      memoryBytes: engine.MemTotal ?? 0,
      memory: bytesSize(engine.MemTotal ?? 0),
      dockerRootDir: engine.DockerRootDir ?? '',
      swarm: engine.Swarm?.LocalNodeState ?? '',
      warnings: (engine.Warnings ?? []).map((w) => w.replace(/^WARNING:\s*/, '')),
    };
    const { containers } = data;
    const blocks: Block[] = [
      fields([
        ['Containers', `${containers.total} (running ${containers.running}, paused ${containers.paused}, stopped ${containers.stopped})`],
        ['Images', String(data.images)],
        ['Server version', data.serverVersion],
        ['Storage driver', data.storageDriver],
        ['Cgroup', data.cgroupDriver ? `${data.cgroupDriver} (v${data.cgroupVersion || '?'})` : 'unknown'],
        ['Kernel', data.kernelVersion],
        ['OS', `${data.operatingSystem} (${data.osType}/${data.architecture})`],
        ['CPUs', String(data.cpus)],
        ['Memory', data.memory],
        ['Name', data.name],
      ]),
    ];
    if (data.warnings.length) {
      const extra = data.warnings.length - REPLY_MAX_WARNINGS;
      const shown = data.warnings.slice(0, REPLY_MAX_WARNINGS).map((w) => `WARNING: ${w}`);
      blocks.push(context([...shown, ...(extra > 0 ? [`… and ${plural(extra, 'more warning')}`] : [])].join('\n')));
    }
    return { ok: true, data, reply: reply(blocks, { title: 'info' }) };
  },
});
