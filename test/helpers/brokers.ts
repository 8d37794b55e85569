/**
 * The brokers of this machine, for tests of generated projects with events: each broker's
 * URL from `TEST_<BROKER>_URL` (.ci/run sets them), else the broker's local default.
 */
import { brokerSpec, TEST_BROKER_URL_VARIABLE, type Broker } from '../../src/brokers.js';

export const brokerTestUrl = (broker: Broker): string =>
  process.env[`TEST_${broker.toUpperCase()}_URL`] ?? brokerSpec(broker).server!.url;

/** What a project on `broker` needs to run its events' tests, which must not skip. */
export const realBrokerEnv = (broker: Broker): Record<string, string> =>
  brokerSpec(broker).server ? { REQUIRE_BROKER: '1', [TEST_BROKER_URL_VARIABLE]: brokerTestUrl(broker) } : {};
