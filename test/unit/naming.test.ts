import { describe, expect, it } from 'vitest';
import {
  defaultEntity,
  entityNameProblem,
  envPrefix,
  pluralize,
  projectNameProblem,
  serviceNameProblem,
  singularize,
  suggestName,
  toKebab,
  toPascal,
  toSnake,
} from '../../src/naming.js';

describe('service names', () => {
  it.each(['users', 'orders', 'payment-gateway', 'user_api', 'a1', 'v2-api'])('accepts %s', (name) => {
    expect(serviceNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['My Service', /lower-case.*Try "my-service"/],
    ['Users', /lower-case.*Try "users"/],
    ['1users', /starts with a digit/],
    ['../etc', /path separator/],
    ['a/b', /path separator/],
    ['a\\b', /path separator/],
    ['class', /Python keyword/],
    ['import', /Python keyword/],
    ['app', /clashes/],
    ['libs', /clashes/],
    ['tests', /clashes/],
    ['shared-config', /clashes/],
    ['opentelemetry', /clashes/],
    ['observability', /observability container of docker-compose.yml/],
    ['a--b', /single "-"/],
    ['trailing-', /single "-"/],
    ['naïve', /lower-case/],
    ['x'.repeat(41), /41 characters.*limit is 40/],
  ])('rejects %j', (name, message) => {
    expect(serviceNameProblem(name)).toMatch(message);
  });
});

describe('project names', () => {
  it.each(['demo', 'my-project', 'api.v2', '2024-backend'])('accepts %s', (name) => {
    expect(projectNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['My Project', /Try "my-project"/],
    ['..', /single folder name/],
    ['-x', /starting with a letter or digit/],
  ])('rejects %j', (name, message) => {
    expect(projectNameProblem(name)).toMatch(message);
  });
});

describe('entity names', () => {
  it.each(['user', 'order_item', 'payment_gateway'])('accepts %s', (entity) => {
    expect(entityNameProblem(entity)).toBeUndefined();
  });
  it.each(['User', 'order-item', '1x', 'class', 'health', 'base'])('rejects %s', (entity) => {
    expect(entityNameProblem(entity)).toBeDefined();
  });
});

describe('derived forms', () => {
  it('converts between cases', () => {
    expect(toSnake('payment-gateway')).toBe('payment_gateway');
    expect(toKebab('payment_gateways')).toBe('payment-gateways');
    expect(toPascal('payment_gateway')).toBe('PaymentGateway');
    expect(envPrefix('payment-gateway')).toBe('PAYMENT_GATEWAY_');
  });

  it.each([
    ['user', 'users'],
    ['order', 'orders'],
    ['category', 'categories'],
    ['payment_gateway', 'payment_gateways'],
    ['address', 'addresses'],
    ['box', 'boxes'],
    ['person', 'people'],
    ['day', 'days'],
    ['status', 'statuses'],
  ])('pluralises %s as %s', (singular, plural) => {
    expect(pluralize(singular)).toBe(plural);
  });

  it.each([
    ['users', 'user'],
    ['orders', 'order'],
    ['categories', 'category'],
    ['addresses', 'address'],
    ['people', 'person'],
    ['boxes', 'box'],
  ])('singularises %s as %s', (plural, singular) => {
    expect(singularize(plural)).toBe(singular);
  });

  it.each(['billing', 'auth', 'news', 'status', 'gateway'])('derives no singular from %s', (word) => {
    expect(singularize(word)).toBeUndefined();
  });

  it.each([
    ['users', 'user'],
    ['orders', 'order'],
    ['categories', 'category'],
    ['order-items', 'order_item'],
    ['billing', 'item'],
    ['payment-gateway', 'item'],
    ['auth', 'item'],
  ])('service %s gets the default entity %s', (service, entity) => {
    expect(defaultEntity(service)).toBe(entity);
  });

  it('suggests a usable name', () => {
    expect(suggestName('My Service')).toBe('my-service');
    expect(suggestName('PaymentGateway')).toBe('payment-gateway');
    expect(suggestName('123 Go!')).toBe('go');
    expect(serviceNameProblem(suggestName('Crème Brûlée'))).toBeUndefined();
  });
});

describe('entity length', () => {
  it('limits entity names to 25 characters, and derives item from longer service names', () => {
    expect(entityNameProblem('a'.repeat(25))).toBeUndefined();
    expect(entityNameProblem('a'.repeat(26))).toMatch(/26 characters long; entity names are limited to 25/);
    expect(defaultEntity('customer-loyalty-programme-accounts')).toBe('item');
    expect(defaultEntity('loyalty-accounts')).toBe('loyalty_account');
  });
});
