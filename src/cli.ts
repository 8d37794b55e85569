/**
 * The command line: commander definitions only. Each action hands plain values to a command
 * function; errors travel up to `main` in src/index.ts.
 */
import { Command, Option } from 'commander';
import type { AddEntityFlags } from './commands/add-entity.js';
import type { AddServiceFlags } from './commands/add-service.js';
import type { CommandEnv } from './commands/create.js';
import type { UpdateFlags } from './commands/update.js';
import { BROKERS, DEFAULT_BROKER } from './brokers.js';
import { DATABASES, DEFAULT_DATABASE, hasServer } from './databases.js';
import { DEFAULT_FRAMEWORK, FRAMEWORKS } from './frameworks.js';
import { AUTHS, DEFAULT_AUTH, DEFAULT_IDENTITY_SERVICE } from './auth.js';
import { PACKAGE_MANAGERS, PYTHON_VERSIONS, type CreateFlags } from './options.js';

const ADD_SERVICE_EXAMPLES = `
Examples:
  $ cd my-project && npx create-layered-backend add-service billing
  $ npx create-layered-backend add-service catalog --entity product --db postgres --yes
  $ npx create-layered-backend add-service search --cwd ../my-project --dry-run`;

const UPDATE_EXAMPLES = `
Examples:
  $ cd my-project && npx create-layered-backend@latest update --dry-run
  $ npx create-layered-backend@latest update --yes
  $ npx create-layered-backend update --cwd ../my-project --no-git-check

Exit codes: 0 updated (or already up to date); 1 bad input, nothing changed;
3 updated, but files conflict: resolve their <<<<<<< markers, then commit; 130 cancelled.`;

const ADD_ENTITY_EXAMPLES = `
Examples:
  $ cd my-project && npx create-layered-backend add-entity users address
  $ npx create-layered-backend add-entity catalog order_item --dry-run
  $ npx create-layered-backend add-entity orders invoice --cwd ../my-project --yes

Exit codes: 0 added (or a dry run); 1 nothing was changed (a bad or taken name, an unknown
service, a file it cannot edit safely, uncommitted changes); 130 cancelled.`;

const CREATE_EXAMPLES = `
Examples:
  $ npx create-layered-backend my-project
  $ npx create-layered-backend my-project --yes
  $ npx create-layered-backend shop --services users,orders,catalog:product --yes
  $ npx create-layered-backend api --package-manager pip --no-git --yes
  $ npx create-layered-backend demo --dry-run --yes`;

/** Option names the user gave on the command line (not defaults). */
function givenOptions(command: Command): Set<string> {
  const names = command.options.map((option) => option.attributeName());
  return new Set(names.filter((name) => command.getOptionValueSource(name) === 'cli'));
}

export function buildProgram(version: string, makeEnv: (flags: { yes?: boolean }) => Promise<CommandEnv>): Command {
  const program = new Command('create-layered-backend')
    .description('Create a layered Python microservices repository, install it and run its tests.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .argument('[directory]', 'project directory; its name is the project name (default: layered-backend)')
    .option('-s, --services <list>', 'services, comma-separated; name:entity names the entity (default: users,orders)')
    .addOption(new Option('--framework <name>', `HTTP framework (default: ${DEFAULT_FRAMEWORK})`).choices(FRAMEWORKS))
    .addOption(new Option('--db <name>', `database of every service (default: ${DEFAULT_DATABASE}${hasServer(DEFAULT_DATABASE) ? '' : ', embedded'})`).choices(DATABASES))
    .addOption(new Option('--auth <name>', `authentication of the services (default: ${DEFAULT_AUTH})`).choices(AUTHS))
    .option('--identity-service <name>', `with --auth, the service that issues tokens (default: ${DEFAULT_IDENTITY_SERVICE})`)
    .addOption(new Option('--broker <name>', `message broker for events between the services (default: ${DEFAULT_BROKER})`).choices(BROKERS))
    .addOption(
      new Option('--package-manager <name>', 'Python package manager (default: uv when on PATH, else pip)').choices(PACKAGE_MANAGERS),
    )
    .addOption(new Option('--python <version>', 'Python version of the Docker images (default: 3.12)').choices(PYTHON_VERSIONS))
    .option('--no-install', 'do not install dependencies (implies --no-test)')
    .option('--no-test', 'do not run the first test pass')
    .option('--no-git', 'do not initialise a git repository')
    .option('-y, --yes', 'accept defaults for everything not given as a flag; ask nothing')
    .option('--dry-run', 'print the files that would be written; write nothing')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', CREATE_EXAMPLES)
    // Options after `add-service` are its own, even where create has one of the same name.
    .enablePositionalOptions()
    .action(async (directory: string | undefined, flags: CreateFlags, command: Command) => {
      // Each command's code is loaded only when it runs: --help and --version stay cheap.
      const { runCreate } = await import('./commands/create.js');
      await runCreate({ directory, flags, given: givenOptions(command) }, await makeEnv(flags));
    });

  program
    .command('add-service')
    .description('Add a service to the project found in the current directory or above.')
    .argument('<name>', 'service name: lower case, digits, "-" or "_" (e.g. billing, payment-gateway)')
    .option('--entity <name>', "the service's main entity, snake_case (default: singular of the name, or item)")
    .addOption(new Option('--db <name>', "the service's database (default: the project's)").choices(DATABASES))
    .option('--port <number>', 'host port of the service (default: the next free one)')
    .option('--cwd <dir>', 'look for the project from this directory instead of the current one')
    .option('--no-install', "do not install the service's dependencies (implies --no-test)")
    .option('--no-test', "do not run the project's tests afterwards")
    .option('--no-git-check', 'go ahead even if the git working tree has uncommitted changes')
    .option('-y, --yes', 'ask nothing; flags and defaults decide')
    .option('--dry-run', 'print the files it would create and a diff of those it would change')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ADD_SERVICE_EXAMPLES)
    .action(async (name: string, flags: AddServiceFlags) => {
      const { runAddService } = await import('./commands/add-service.js');
      await runAddService(name, { ...flags, test: flags.test && flags.install }, await makeEnv(flags));
    });

  program
    .command('update')
    .description("Bring the project to this version's templates: a three-way merge that keeps your edits.")
    .option('--cwd <dir>', 'look for the project from this directory instead of the current one')
    .option('--no-git-check', 'go ahead even if the git working tree has uncommitted changes')
    .option('-y, --yes', 'ask nothing; apply the merge')
    .option('--dry-run', 'print the diff of every file it would change; write nothing')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', UPDATE_EXAMPLES)
    .action(async (flags: UpdateFlags) => {
      const { runUpdate } = await import('./commands/update.js');
      await runUpdate(flags, await makeEnv(flags));
    });

  program
    .command('add-entity')
    .description(
      'Add an entity (a resource: model, schemas, repository, service, errors, routes under /api/v1, tests and a migration) to a service of the project.',
    )
    .argument('<service>', 'an existing service of the project')
    .argument('<entity>', 'the new entity, snake_case and singular (e.g. invoice, order_item): /api/v1/<plural>')
    .option('--cwd <dir>', 'look for the project from this directory instead of the current one')
    .option('--no-git-check', 'go ahead even if the git working tree has uncommitted changes')
    .option('-y, --yes', 'ask nothing: write without asking for confirmation')
    .option('--dry-run', 'print the files it would create and a diff of those it would change')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', ADD_ENTITY_EXAMPLES)
    .action(async (service: string, entity: string, flags: AddEntityFlags) => {
      const { runAddEntity } = await import('./commands/add-entity.js');
      await runAddEntity(service, entity, flags, await makeEnv(flags));
    });

  program
    .command('doctor')
    .description('Check the project (read only): tools, files that list the services, environments, migrations, databases, ports.')
    .argument('[directory]', 'the project, or a folder inside it (default: the current directory)')
    .option('--cwd <dir>', 'look for the project from this directory (as add-service does)')
    .option('--json', 'print the report as JSON: {ok, checks: [{id, service?, status, message, fix?}]}')
    .helpOption('-h, --help', 'show this help')
    .action(async (directory: string | undefined, flags: { json?: boolean; cwd?: string }) => {
      const { runDoctor } = await import('./commands/doctor.js');
      await runDoctor({ ...flags, cwd: directory ?? flags.cwd }, await makeEnv({ yes: true }));
    });
  return program;
}
