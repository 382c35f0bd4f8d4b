// The Slack side of the Slack benchmark, in a process of its own (as Slack is): the fake Web API
// and the load generator. Times are taken here, so work the bot does after its ack cannot delay
// when the ack is seen. Talks to bench/slack.ts over the IPC channel.
import { FakeSlack } from '../test/fakes/slack/fake-slack.js';
import { slashCommand } from '../test/fakes/slack/signed.js';

export interface ClientRun {
  type: 'run';
  botUrl: string;
  bareUrl: string;
  secret: string;
  requests: number;
  warmup: number;
}

export type ClientMessage = { type: 'ready'; apiUrl: string } | { type: 'idle' } | { type: 'done'; botAck: number[]; bareAck: number[]; final: number[] } | { type: 'error'; message: string };

const send = (message: ClientMessage): void => void process.send?.(message);

async function run(fake: FakeSlack, job: ClientRun): Promise<void> {
  // The final answer of request i is the post to its own channel.
  const waiting = new Map<string, () => void>();
  fake.listeners.add((call) => {
    if (call.method === 'chat.postMessage') waiting.get(String(call.body.channel))?.();
  });
  const answered = (channel: string): Promise<void> => new Promise((resolve) => waiting.set(channel, resolve));
  const post = (url: string, channelId: string) => slashCommand(url, job.secret, { text: 'ps', userId: 'UBENCH', channelId, responseUrl: fake.responseUrl() });

  const botAck: number[] = [];
  const bareAck: number[] = [];
  const final: number[] = [];
  for (let i = -job.warmup; i < job.requests; i++) {
    if (i === 0) {
      // Warm: both apps and the engine path; let the parent read the idle RSS now.
      send({ type: 'idle' });
      await new Promise((r) => setTimeout(r, 200));
    }
    const channel = `CBENCH${i}`;
    const started = performance.now();
    const done = answered(channel);
    const ack = await post(job.botUrl, channel);
    if (ack.status !== 200) throw new Error(`the bot answered ${ack.status}`);
    await done;
    const finished = performance.now();
    waiting.delete(channel);
    // Alternate with the baseline so drift on a busy machine hits both alike.
    const baseline = await post(job.bareUrl, channel);
    if (baseline.status !== 200) throw new Error(`the bare Bolt app answered ${baseline.status}`);
    if (i < 0) continue;
    botAck.push(ack.ms);
    final.push(finished - started);
    bareAck.push(baseline.ms);
  }
  fake.calls.length = 0;
  send({ type: 'done', botAck, bareAck, final });
}

const fake = await new FakeSlack().start();
process.on('message', (job: ClientRun) => {
  if (job.type !== 'run') return;
  run(fake, job).then(
    () => fake.stop().then(() => process.exit(0)),
    (err: unknown) => {
      send({ type: 'error', message: (err as Error).message });
      process.exit(1);
    },
  );
});
send({ type: 'ready', apiUrl: fake.apiUrl });
