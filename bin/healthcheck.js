#!/usr/bin/env node
// The image's HEALTHCHECK (exit 0 healthy, 1 unhealthy; what it prints lands in `docker inspect`).
// A chat mode — Slack or Discord settings in the environment, as `dockbot start` decides — serves
// /healthz on PORT: 200 when the engine answers and every chat connection is up, 503 with the
// reasons otherwise; a 503, no answer within the deadline or nothing listening is unhealthy.
// Without chat settings the container runs the terminal or a one-shot `exec`, which serve no HTTP:
// there is nothing to ask, and the check passes rather than mark a working session unhealthy.
const { request } = require('node:http');

const CHAT_SETTINGS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN'];
const DEADLINE_MS = 8000;

const chatMode = CHAT_SETTINGS.some((name) => process.env[name] || process.env[`${name}_FILE`]);
if (!chatMode) {
  process.stdout.write('no chat settings: terminal or one-shot mode, no HTTP server to ask\n');
} else {
  const port = Number(process.env.PORT || 3000);
  const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: DEADLINE_MS }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (body = (body + chunk).slice(0, 4000)));
    res.on('end', () => {
      process.stdout.write(`${res.statusCode} ${body}`);
      process.exitCode = res.statusCode === 200 ? 0 : 1;
    });
  });
  req.on('timeout', () => req.destroy(new Error(`no answer within ${DEADLINE_MS} ms`)));
  req.on('error', (err) => {
    process.stdout.write(`GET http://127.0.0.1:${port}/healthz: ${err.message}\n`);
    process.exitCode = 1;
  });
  req.end();
}
