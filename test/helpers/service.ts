import net from 'node:net';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  baseUrl: string;
  stop(): Promise<void>;
  output(): string;
}

/**
 * Migrate and boot one generated service the way its container does (`python -m
 * app.cmd.api.main --migrate`), from its own virtual environment.
 */
export async function bootService(
  projectDir: string,
  service: { name: string; envPrefix: string },
  env: Record<string, string>,
  options: { migrate?: boolean; readyPath?: string } = {},
): Promise<RunningService> {
  const { migrate = true, readyPath = '/health/ready' } = options;
  const cwd = path.join(projectDir, 'services', service.name);
  const python = path.join(cwd, '.venv/bin/python');
  const port = await freePort();
  // No broker unless the test gives one: the service's .env points at the local broker, in
  // the project's namespace, which tests booting one service alone have no use for.
  const fullEnv = {
    [`${service.envPrefix}BROKER_URL`]: '',
    ...env,
    [`${service.envPrefix}PORT`]: String(port),
    [`${service.envPrefix}HOST`]: '127.0.0.1',
  };
  let log = '';
  const child: ResultPromise = execa(python, ['-m', 'app.cmd.api.main', ...(migrate ? ['--migrate'] : [])], { cwd, env: fullEnv, all: true, reject: false });
  child.all?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}${readyPath}`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`${service.name} did not become ready:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    output: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}
