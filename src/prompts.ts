/**
 * The questions of `create` and `add-service`, asked only in a terminal and only for what no
 * flag settled. The answers come back as flag values, so they pass through the same
 * validation as flags do. Commands load this module (and @clack/prompts) only when they ask.
 */
import * as clack from '@clack/prompts';
import { CancelledError } from './errors.js';
import { DEFAULT_DIRECTORY, DEFAULT_SERVICES, parseServices, validateDirectory, type CreateFlags, type PackageManager } from './options.js';
import { BROKERS, brokerSpec, DEFAULT_BROKER, type Broker } from './brokers.js';
import { databaseEngine, DATABASES, DEFAULT_DATABASE, type Database } from './databases.js';
import { DEFAULT_FRAMEWORK, FRAMEWORKS, frameworkSpec, type Framework } from './frameworks.js';
import { defaultEntity, entityNameProblem } from './naming.js';
import { authSpec, AUTHS, DEFAULT_AUTH, type Auth } from './auth.js';
import { INSTALL_HINTS, missingInstallTools, type ToolLookup } from './steps/tools.js';

const databaseOptions = DATABASES.map((db) => ({ value: db, label: databaseEngine(db).label, hint: databaseEngine(db).hint }));
const authOptions = AUTHS.map((auth) => ({ value: auth, label: authSpec(auth).label, hint: authSpec(auth).hint }));
const brokerOptions = BROKERS.map((broker) => ({ value: broker, label: brokerSpec(broker).label, hint: brokerSpec(broker).hint }));
const frameworkOptions = FRAMEWORKS.map((framework) => ({ value: framework, label: frameworkSpec(framework).label, hint: frameworkSpec(framework).hint }));

/**
 * "Which database?" and, with several services, whether they all share that choice; if not,
 * one question per service. Returns the services list with `@db` where a service differs.
 */
async function askDatabases(services: string, setDefault: (db: Database) => void): Promise<string> {
  const db = answered(await clack.select<Database>({ message: 'Database?', initialValue: DEFAULT_DATABASE, options: databaseOptions }));
  setDefault(db);
  const names = services.split(',').map((item) => item.trim()).filter(Boolean);
  if (names.length < 2) return services;
  const same = answered(await clack.confirm({ message: 'Same database for every service?', initialValue: true }));
  if (same) return services;
  const items: string[] = [];
  for (const item of names) {
    const own = answered(
      await clack.select<Database>({ message: `Database of ${item.split(':')[0]}?`, initialValue: db, options: databaseOptions }),
    );
    items.push(own === db ? item : `${item}@${own}`);
  }
  return items.join(',');
}

/** The value of an answered prompt; a cancelled one (Ctrl-C, Esc) ends the run. */
export function answered<T>(value: T, cancelled = 'Cancelled: nothing was written.'): Exclude<T, symbol> {
  if (clack.isCancel(value) || typeof value === 'symbol') throw new CancelledError(cancelled);
  return value as Exclude<T, symbol>;
}

interface PromptInput {
  directory: string | undefined;
  flags: CreateFlags;
  /** Names of the flags the user gave explicitly (commander's option value source "cli"). */
  given: ReadonlySet<string>;
  cwd: string;
  /** Whether a tool is on PATH: asked before each question whose answer needs one. */
  lookup: ToolLookup;
}

/**
 * The package-manager question: uv is offered only when it is on PATH (it is shown either
 * way, so that its absence is no mystery); pip always, since without install it needs nothing.
 */
export function packageManagerQuestion(lookup: ToolLookup): { initialValue: PackageManager; options: Array<clack.Option<PackageManager>> } {
  const uv = lookup('uv');
  return {
    initialValue: uv ? 'uv' : 'pip',
    options: [
      uv
        ? { value: 'uv', label: 'uv', hint: 'fast, lockfiles' }
        : { value: 'uv', label: 'uv (not found on PATH)', hint: 'install it (pip install uv) to choose it', disabled: true },
      { value: 'pip', label: 'pip + venv', hint: lookup('python3') ? 'only needs python3' : 'needs python3, not found on PATH' },
    ],
  };
}

/** Why installing now cannot be offered, or undefined when it can. */
function installUnavailable(packageManager: PackageManager, lookup: ToolLookup): string | undefined {
  const missing = missingInstallTools(packageManager, lookup);
  if (missing.length === 0) return undefined;
  return `Not installing: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not on PATH (${missing
    .map((tool) => INSTALL_HINTS[tool])
    .join('; ')}). The project is written without installing; run make install in it later.`;
}

export async function askCreateQuestions(input: PromptInput): Promise<{ directory: string; flags: CreateFlags }> {
  const flags = { ...input.flags };
  const directory =
    input.directory ??
    answered(
      await clack.text({
        message: 'Where should the project be created?',
        placeholder: DEFAULT_DIRECTORY,
        defaultValue: DEFAULT_DIRECTORY,
        validate: (value) => validateDirectory(value || DEFAULT_DIRECTORY, input.cwd),
      }),
    );

  if (!input.given.has('services')) {
    flags.services = answered(
      await clack.text({
        message: 'Which services? (comma-separated; name:entity to name the entity)',
        placeholder: DEFAULT_SERVICES,
        defaultValue: DEFAULT_SERVICES,
        validate: (value) => {
          const parsed = parseServices(value || DEFAULT_SERVICES, flags.db ?? DEFAULT_DATABASE);
          return typeof parsed === 'string' ? parsed : undefined;
        },
      }),
    );
  }

  if (!input.given.has('framework')) {
    flags.framework = answered(
      await clack.select<Framework>({ message: 'HTTP framework?', initialValue: DEFAULT_FRAMEWORK, options: frameworkOptions }),
    );
  }

  if (!input.given.has('db') && !flags.services?.includes('@')) {
    flags.services = await askDatabases(flags.services ?? DEFAULT_SERVICES, (db) => (flags.db = db));
  }

  if (!input.given.has('auth')) {
    flags.auth = answered(await clack.select<Auth>({ message: 'Authentication?', initialValue: DEFAULT_AUTH, options: authOptions }));
  }
  if (!input.given.has('broker')) {
    flags.broker = answered(
      await clack.select<Broker>({ message: 'Message broker for events between services?', initialValue: DEFAULT_BROKER, options: brokerOptions }),
    );
  }

  if (!input.given.has('packageManager')) {
    flags.packageManager = answered(
      await clack.select<PackageManager>({ message: 'Python package manager?', ...packageManagerQuestion(input.lookup) }),
    );
  }

  if (!input.given.has('install')) {
    // Installing is offered only when it can be done: not a yes that fails afterwards.
    const unavailable = installUnavailable(flags.packageManager ?? (input.lookup('uv') ? 'uv' : 'pip'), input.lookup);
    if (unavailable) {
      clack.log.warn(unavailable);
      flags.install = false;
    } else {
      flags.install = answered(
        await clack.confirm({ message: 'Install dependencies and run the tests now?', initialValue: true }),
      );
    }
    flags.test = flags.install && flags.test;
  }

  return { directory, flags };
}

const NOTHING_CHANGED = 'Cancelled: nothing was changed.';

/** add-service's questions: the new service's entity and database, where no flag gave them. */
export async function askAddServiceQuestions(input: {
  name: string;
  entity: string | undefined;
  db: Database | undefined;
  projectDb: Database;
}): Promise<{ entity: string | undefined; db: Database | undefined }> {
  const { name } = input;
  const entity =
    input.entity ??
    answered(
      await clack.text({
        message: `Main entity of ${name}?`,
        placeholder: defaultEntity(name),
        defaultValue: defaultEntity(name),
        validate: (value) => entityNameProblem(value || defaultEntity(name)),
      }),
      NOTHING_CHANGED,
    );
  const db =
    input.db ??
    answered(
      await clack.select<Database>({ message: `Database of ${name}?`, initialValue: input.projectDb, options: databaseOptions }),
      NOTHING_CHANGED,
    );
  return { entity, db };
}

/** update's one question, after its summary: write the merge? */
export async function askApplyUpdate(summary: string): Promise<boolean> {
  return answered(await clack.confirm({ message: `${summary}. Apply?`, initialValue: true }), 'Cancelled: nothing was changed.');
}

/** Whether to go ahead with a change to the project (add-entity, before it writes). */
export async function confirmChange(message: string): Promise<boolean> {
  return answered(await clack.confirm({ message, initialValue: true }), NOTHING_CHANGED);
}
