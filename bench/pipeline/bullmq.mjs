// BullMQ beside the pipeline: no-op jobs on the same Redis, same machine, concurrency matched.
// Usage: node bullmq.mjs <redisUrl> <processes> <concurrencyPerProcess> <jobs> <inFlight>
// Two numbers per run, both printed as one JSON line on stdout:
//   drain:  jobs/s of `processes` worker processes emptying a queue pre-filled with `jobs` no-op jobs
//           (BullMQ's own benchmark shape: worker throughput only, nobody waits for answers);
//   answer: jobs/s when a producer keeps `inFlight` jobs outstanding and waits for each job's completion
//           event (QueueEvents), the shape of our pipeline where every call gets an answer.
import { fork } from 'node:child_process';
import { Queue, Worker, QueueEvents } from 'bullmq';
import IORedis from 'ioredis';

const [, , url, processesArg, concurrencyArg, jobsArg, inFlightArg, role] = process.argv;
const connection = () => new IORedis(url, { maxRetriesPerRequest: null });

if (role === 'worker') {
  const queueName = process.env.QUEUE;
  const worker = new Worker(queueName, async () => ({ pong: true }), {
    connection: connection(), concurrency: Number(concurrencyArg),
    removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 },
  });
  await worker.waitUntilReady();
  process.send('ready');
  process.on('message', async (m) => { if (m === 'stop') { await worker.close(); process.exit(0); } });
} else {
  const processes = Number(processesArg);
  const jobs = Number(jobsArg);
  const inFlight = Number(inFlightArg);

  async function startWorkers(queueName) {
    const children = [];
    for (let i = 0; i < processes; i++) {
      const child = fork(new URL(import.meta.url).pathname,
        [url, processesArg, concurrencyArg, jobsArg, inFlightArg, 'worker'], { env: { ...process.env, QUEUE: queueName } });
      await new Promise((resolve) => child.once('message', resolve));
      children.push(child);
    }
    return children;
  }
  const stopWorkers = async (children) => Promise.all(children.map((c) => new Promise((resolve) => {
    c.once('exit', resolve); c.send('stop');
  })));

  // drain: workers up on a paused queue, pre-fill, resume, time until nothing waits or runs
  const drainQueue = new Queue(`bench-drain-${process.pid}`, { connection: connection() });
  await drainQueue.pause();
  const drainWorkers = await startWorkers(drainQueue.name);
  const data = { tool: 'ping' };
  for (let i = 0; i < jobs; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, jobs - i) }, () => ({
      name: 'ping', data, opts: { removeOnComplete: { count: 1000 } },
    }));
    await drainQueue.addBulk(batch);
  }
  const drainStart = process.hrtime.bigint();
  await drainQueue.resume();
  for (;;) {
    const counts = await drainQueue.getJobCounts('wait', 'active', 'paused', 'prioritized');
    if (Object.values(counts).every((n) => n === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const drainSeconds = Number(process.hrtime.bigint() - drainStart) / 1e9;
  await stopWorkers(drainWorkers);
  await drainQueue.obliterate({ force: true });
  await drainQueue.close();

  // answer: `inFlight` outstanding jobs, each waited for through QueueEvents
  const queue = new Queue(`bench-answer-${process.pid}`, { connection: connection() });
  const events = new QueueEvents(queue.name, { connection: connection() });
  await events.waitUntilReady();
  const workers = await startWorkers(queue.name);
  const waiting = new Map();
  events.on('completed', ({ jobId }) => { const done = waiting.get(jobId); if (done) { waiting.delete(jobId); done(); } });
  let next = 0;
  const latencies = [];
  async function caller() {
    while (next++ < jobs) {
      const begin = process.hrtime.bigint();
      // wait for the completion registered before the add: a job can complete before add() returns
      const jobId = `${process.pid}-${next}-${Math.random().toString(36).slice(2)}`;
      const completed = new Promise((resolve) => waiting.set(jobId, resolve));
      await queue.add('ping', data, { jobId, removeOnComplete: { count: 1000 } });
      await completed;
      latencies.push(Number(process.hrtime.bigint() - begin) / 1e6);
    }
  }
  const answerStart = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, caller));
  const answerSeconds = Number(process.hrtime.bigint() - answerStart) / 1e9;
  await stopWorkers(workers);
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p / 100 * latencies.length) - 1)];
  console.log(JSON.stringify({
    processes, concurrency: Number(concurrencyArg), jobs, inFlight,
    drainPerSecond: Math.round(jobs / drainSeconds), answerPerSecond: Math.round(jobs / answerSeconds),
    answerP50Ms: pct(50), answerP99Ms: pct(99),
  }));
  process.exit(0);
}
