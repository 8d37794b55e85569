/**
 * How the services of a project authenticate requests, and what each choice means for a
 * generated service: its label and prompt hint, the Python packages it adds, its template
 * layers. This module is the only place that names an auth choice: adding one is one entry
 * of AUTH_SPECS plus its overlays in templates/service/.
 *
 * With tokens, one service (the identity service) holds the users and signs short-lived
 * access tokens with a private key; every service verifies them on its own with the public
 * keys the identity service publishes (JWKS), without a shared secret and without calling
 * the issuer on each request.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { IDENTITY_DEPENDENCIES, TOKEN_DEPENDENCIES } from './catalog.js';
import { frameworkSpec, type Framework } from './frameworks.js';

export interface AuthSpec {
  /** The value of `--auth`. */
  id: string;
  label: string;
  /** What the auth prompt says about it. */
  hint: string;
  /** `[project] dependencies` it adds to every service. */
  dependencies: readonly string[];
  /** What it adds to the identity service besides. */
  identityDependencies: readonly string[];
  /** Whether the project gets an identity service that issues tokens. */
  issuesTokens: boolean;
  /** Template layers it adds to every service, after the framework's and the engine's. */
  layers: (framework: Framework) => string[];
  /** Layers of the project root it adds after `project`. */
  projectLayers: readonly string[];
  /** Layers the identity service adds after those. */
  identityLayers: (framework: Framework) => string[];
  /** Model modules of the identity service's own tables (app/models/<module>.py: names). */
  identityModels: readonly ModelModule[];
  /** Modules of its layers that must not import the web framework (pyproject's contract). */
  frameworkFreeModules: readonly string[];
  /** The statuses its checks add to every entity route (the OpenAPI document lists them). */
  accessErrorStatuses: readonly number[];
  /** More import-linter contracts of every service. */
  importContracts: readonly ImportContract[];
}

/** A module of app/models/ and the model classes it defines (app/models/__init__.py imports them). */
export interface ModelModule {
  module: string;
  names: readonly string[];
}

/** A `forbidden` import-linter contract (indirect imports allowed). */
export interface ImportContract {
  name: string;
  comment: string;
  sourceModules: readonly string[];
  forbiddenModules: readonly string[];
  /** Only the sources' own imports count (not those of the modules they import). */
  allowIndirectImports: boolean;
}

/** A framework's own overlay of an auth layer: `service/jwt` -> `service/jwt-<framework>`. */
const withFramework = (layer: string, framework: Framework): string[] => [layer, `${layer}-${frameworkSpec(framework).id}`];

const AUTH_SPECS = [
  {
    id: 'none',
    label: 'None',
    hint: 'every endpoint open; add your own later',
    dependencies: [],
    identityDependencies: [],
    issuesTokens: false,
    layers: () => [],
    projectLayers: [],
    identityLayers: () => [],
    identityModels: [],
    frameworkFreeModules: [],
    accessErrorStatuses: [],
    importContracts: [],
  },
  {
    id: 'jwt',
    label: 'JWT',
    hint: 'an identity service issues tokens; every service verifies them (JWKS)',
    dependencies: TOKEN_DEPENDENCIES,
    identityDependencies: IDENTITY_DEPENDENCIES,
    issuesTokens: true,
    layers: (framework) => withFramework('service/jwt', framework),
    projectLayers: ['project-jwt'],
    identityLayers: (framework) => withFramework('service/identity', framework),
    identityModels: [{ module: 'account', names: ['Account'] }],
    accessErrorStatuses: [401, 403],
    frameworkFreeModules: ['app.exceptions.auth', 'app.dependencies.token_checks', 'app.dependencies.token_keys'],
    importContracts: [
      {
        name: 'Only app.utils uses PyJWT',
        comment: 'Tokens are signed and checked in app.utils; the other layers see its results.',
        sourceModules: ['app.api', 'app.cmd', 'app.core', 'app.dependencies', 'app.events', 'app.exceptions', 'app.middlewares', 'app.models', 'app.repository', 'app.schemas', 'app.services'],
        forbiddenModules: ['jwt'],
        allowIndirectImports: true,
      },
    ],
  },
] as const satisfies readonly AuthSpec[];

export type Auth = (typeof AUTH_SPECS)[number]['id'];

/** Every choice, in the order the flag's help and the prompt list them. */
export const AUTHS: readonly Auth[] = AUTH_SPECS.map((spec) => spec.id);
export const DEFAULT_AUTH: Auth = AUTH_SPECS[0].id;
export const DEFAULT_IDENTITY_SERVICE = 'identity';
/** The entity of the identity service: its users. */
export const IDENTITY_ENTITY = 'user';

const SPECS: ReadonlyMap<string, AuthSpec> = new Map(AUTH_SPECS.map((spec) => [spec.id, spec]));

export const authSpec = (auth: Auth): AuthSpec => SPECS.get(auth)!;
export const isAuth = (value: unknown): value is Auth => typeof value === 'string' && SPECS.has(value);

/** The project's choice, as the manifest records it. */
export interface AuthChoice {
  auth: Auth;
  /** The service that issues tokens; recorded only when the choice has one. */
  identityService?: string;
}

export const NO_AUTH: AuthChoice = { auth: DEFAULT_AUTH };

/** The identity service of a project, or undefined when its choice has none. */
export const identityServiceOf = (choice: AuthChoice): string | undefined =>
  authSpec(choice.auth).issuesTokens ? (choice.identityService ?? DEFAULT_IDENTITY_SERVICE) : undefined;

/** The scope a token needs to write to a service: `orders:write`. */
export const writeScope = (service: string): string => `${service}:write`;

/** The Python packages a service adds for the project's auth choice. */
export function authDependencies(choice: AuthChoice, service: string): string[] {
  const spec = authSpec(choice.auth);
  return [...spec.dependencies, ...(identityServiceOf(choice) === service ? spec.identityDependencies : [])];
}

/** The template layers a service adds for the project's auth choice. */
export function authLayers(choice: AuthChoice, service: { name: string; framework: Framework }): string[] {
  const spec = authSpec(choice.auth);
  const identity = identityServiceOf(choice) === service.name;
  return [...spec.layers(service.framework), ...(identity ? spec.identityLayers(service.framework) : [])];
}

/**
 * A new signing key of the identity service, as the JSON list its settings read (a private
 * JWK per key: the first signs, every one is published). Ed25519 (EdDSA): small keys, fast,
 * and no parameters to get wrong. The key id is random, so that keys of two environments
 * never share one.
 */
export function newSigningKeys(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  return JSON.stringify([{ kid: randomBytes(8).toString('hex'), kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d }]);
}
