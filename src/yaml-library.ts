/**
 * The yaml library, built as a file of its own (dist/yaml.js) that the bundle loads on first
 * use: the stand-in that tsup.config.ts puts in place of every `from 'yaml'` of src/ requires
 * it when one of its names is first read. Creating a project writes its YAML without the
 * library (src/yaml-text.ts); only the commands that edit YAML files load it.
 */
import * as yaml from 'yaml';

// The namespace as the default export: `export *` of a CommonJS library would lose its names
// once the chunk is turned into CommonJS (tsup.config.ts).
export default yaml;
